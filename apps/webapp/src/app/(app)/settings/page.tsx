import { ApiTokens } from '@/components/settings/api-tokens';
import { ChangePassword } from '@/components/settings/change-password';
import { Users } from '@/components/settings/users';
import { WorkspaceName } from '@/components/settings/workspace-name';

export default function Page() {
  return (
    <>
      <div className="page-header">
        <h1>Settings</h1>
      </div>
      <WorkspaceName />
      <Users />
      <ApiTokens />
      <ChangePassword />
    </>
  );
}
