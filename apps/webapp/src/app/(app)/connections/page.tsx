import { ConnectionList } from '@/components/connections/connection-list';

export default function Page() {
  return <ConnectionList />;
}
