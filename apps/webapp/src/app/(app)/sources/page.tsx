import { ActorList } from '@/components/actors/actor-pages';

export default function Page() {
  return <ActorList kind="source" />;
}
