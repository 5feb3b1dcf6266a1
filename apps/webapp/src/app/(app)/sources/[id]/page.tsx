import { ActorEdit } from '@/components/actors/actor-pages';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ActorEdit kind="source" id={id} />;
}
