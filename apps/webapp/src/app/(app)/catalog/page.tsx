import { Catalog } from '@/components/catalog';

export default function Page() {
  return <Catalog />;
}
