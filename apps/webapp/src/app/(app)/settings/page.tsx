import { ApiTokens } from '@/components/settings/api-tokens';
import { ChangePassword } from '@/components/settings/change-password';

export default function Page() {
  return (
    <>
      <div className="page-header">
        <h1>Settings</h1>
      </div>
      <ApiTokens />
      <ChangePassword />
    </>
  );
}
