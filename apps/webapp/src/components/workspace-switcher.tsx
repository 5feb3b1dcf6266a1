'use client';

import { usePathname, useRouter } from 'next/navigation';
import { listPageOf } from '@/lib/list-page';
import { chooseWorkspace, useWorkspace, useWorkspaces } from '@/lib/workspace';

/**
 * The workspace every page works in, for a user who may see more than one (an instance
 * admin sees them all); hidden for everyone else.
 */
export function WorkspaceSwitcher() {
  const workspaces = useWorkspaces();
  const current = useWorkspace();
  const router = useRouter();
  const pathname = usePathname();
  if (!workspaces.data || workspaces.data.length < 2 || !current.data) return null;
  return (
    <div className="workspace-switcher small">
      <label htmlFor="workspace-switcher">Workspace</label>
      <select
        id="workspace-switcher"
        value={current.data.id}
        onChange={(e) => {
          chooseWorkspace(e.target.value);
          const list = listPageOf(pathname);
          if (list !== pathname) router.push(list);
        }}
      >
        {workspaces.data.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
    </div>
  );
}
