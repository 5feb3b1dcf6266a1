import { Suspense } from 'react';
import { ActorCreate } from '@/components/actors/actor-pages';

export default function Page() {
  return (
    <Suspense>
      <ActorCreate kind="destination" />
    </Suspense>
  );
}
