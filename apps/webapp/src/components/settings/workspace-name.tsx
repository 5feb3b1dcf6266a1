'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '@/lib/api';
import { isAdmin } from '@/lib/roles';
import { useWorkspace } from '@/lib/workspace';
import { useUiSettings } from '../providers';
import { ShowApiCall } from '../show-api-call';
import { ErrorState } from '../states';

/** The workspace's name: shown to everyone, renamed by its admins. */
export function WorkspaceName() {
  const { user } = useUiSettings();
  const workspace = useWorkspace();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  useEffect(() => setName(workspace.data?.name ?? ''), [workspace.data?.name]);
  const rename = useMutation({
    mutationFn: async () =>
      unwrap(await api().PATCH('/api/v1/workspaces/{workspaceId}', { params: { path: { workspaceId: workspace.data!.id } }, body: { name: name.trim() } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['workspaces'] }),
  });
  if (workspace.isError) return <ErrorState error={workspace.error} what="the workspace" />;
  if (!workspace.data) return null;
  if (!isAdmin(user.role)) return <p className="muted">Workspace: {workspace.data.name}</p>;
  return (
    <section className="stack">
      <h2>Workspace</h2>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          rename.mutate();
        }}
      >
        <label>
          Workspace name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <button type="submit" disabled={!name.trim() || name.trim() === workspace.data.name || rename.isPending} style={{ alignSelf: 'flex-end' }}>
          Rename
        </button>
      </form>
      <div aria-live="polite">
        {rename.isError ? <ErrorState error={rename.error} what="the new name" /> : null}
        {rename.isSuccess ? <p role="status">Renamed.</p> : null}
      </div>
      <ShowApiCall method="PATCH" path={`/api/v1/workspaces/${workspace.data.id}`} body={{ name: name.trim() }} />
    </section>
  );
}
