import { ConnectionPage } from '@/components/connections/connection-page';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ConnectionPage id={id} />;
}
