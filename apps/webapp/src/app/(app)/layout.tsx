import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { Nav } from '@/components/nav';
import { Providers } from '@/components/providers';
import { WorkspaceSwitcher } from '@/components/workspace-switcher';
import { roleLabel } from '@/lib/roles';
import { webappConfig } from '@/server/config';
import { currentSession } from '@/server/session';
import { signOut } from '../sign-in/actions';

/** Every page but sign-in: only for a signed-in user (the API checks the session on every call too). */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  if (!session) {
    // set by src/proxy.ts
    const path = (await headers()).get('x-tributary-path') ?? '/';
    redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  }
  const config = webappConfig();
  const { user } = session;
  return (
    <Providers
      settings={{
        publicApiUrl: config.TRIBUTARY_PUBLIC_API_URL ?? config.TRIBUTARY_API_URL,
        user: { id: user.id, email: user.email, name: user.name, role: user.role },
      }}
    >
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="shell">
        <header className="sidebar">
          <a className="brand" href="/connections">
            <span className="logo" aria-hidden="true">
              ≋
            </span>{' '}
            Tributary
          </a>
          <WorkspaceSwitcher />
          <Nav />
          <div className="who">
            <span title={user.email}>{user.name}</span>
            <span className="muted small" data-testid="signed-in-role">{roleLabel(user.role)}</span>
            <form action={signOut}>
              <button type="submit" className="link">
                Sign out
              </button>
            </form>
          </div>
        </header>
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </Providers>
  );
}
