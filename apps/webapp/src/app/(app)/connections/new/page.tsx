import { Suspense } from 'react';
import { NewConnection } from '@/components/connections/new-connection';

export default function Page() {
  return (
    <Suspense>
      <NewConnection />
    </Suspense>
  );
}
