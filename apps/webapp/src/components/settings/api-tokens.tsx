'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '@/lib/api';
import { formatAgo, formatTime } from '@/lib/format';
import { grantableBy, isAdmin, type Role } from '@/lib/roles';
import { useWorkspace } from '@/lib/workspace';
import { useUiSettings } from '../providers';
import { ShowApiCall } from '../show-api-call';
import { ErrorState, Loading } from '../states';

/** API tokens for engineers and scripts: created here, shown once, revoked here (by admins; the API says who may). */
export function ApiTokens() {
  const { user } = useUiSettings();
  if (!isAdmin(user.role)) {
    return (
      <section className="stack">
        <h2>API tokens</h2>
        <p className="muted">API tokens are managed by the workspace&apos;s admins.</p>
      </section>
    );
  }
  return <ApiTokenManager ownRole={user.role as Role} />;
}

function ApiTokenManager({ ownRole }: { ownRole: Role }) {
  const queryClient = useQueryClient();
  const workspace = useWorkspace();
  const grantable = grantableBy(ownRole);
  // an instance admin's list holds every workspace's tokens: those of the one worked in, and the instance-wide ones
  const inThisWorkspace = (t: { workspaceId: string | null }) => !t.workspaceId || t.workspaceId === workspace.data?.id;
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(ownRole);
  // a workspace role acts in the workspace the UI works in
  const body = () => ({ name: name.trim(), role, ...(role !== 'instance_admin' && workspace.data ? { workspaceId: workspace.data.id } : {}) });
  const tokens = useQuery({
    queryKey: ['api-tokens'],
    queryFn: async () => unwrap(await api().GET('/api/v1/api-tokens', { params: { query: { limit: 200 } } })).data,
  });
  const create = useMutation({
    mutationFn: async () => unwrap(await api().POST('/api/v1/api-tokens', { body: body() })),
    onSuccess: () => {
      setName('');
      return queryClient.invalidateQueries({ queryKey: ['api-tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: async (tokenId: string) => unwrap(await api().DELETE('/api/v1/api-tokens/{tokenId}', { params: { path: { tokenId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-tokens'] }),
  });
  return (
    <section className="stack">
      <h2>API tokens</h2>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label>
          Token name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="ci deploys" required maxLength={200} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {grantable.map((r) => (
              <option key={r.role} value={r.role}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={!name.trim() || create.isPending} style={{ alignSelf: 'flex-end' }}>
          Create token
        </button>
      </form>
      <div aria-live="polite">
        {create.data ? (
          <div className="card notice" role="status">
            <p>
              Token <strong>{create.data.name}</strong> created. Copy it now: it is shown only this once.
            </p>
            <pre data-testid="new-token">{create.data.token}</pre>
          </div>
        ) : null}
        {create.isError ? <ErrorState error={create.error} what="the new token" /> : null}
        {revoke.isError ? <ErrorState error={revoke.error} what="revoking the token" /> : null}
      </div>
      {tokens.isPending ? <Loading what="tokens" /> : null}
      {tokens.isError ? <ErrorState error={tokens.error} what="tokens" /> : null}
      {tokens.data ? (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Starts with</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.data.filter(inThisWorkspace).map((t) => (
              <tr key={t.id} data-token={t.name}>
                <td>{t.name}</td>
                <td>{t.role.replace('_', ' ')}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>{formatTime(t.createdAt)}</td>
                <td>{formatAgo(t.lastUsedAt)}</td>
                <td>
                  {t.revokedAt ? (
                    <span className="badge cancelled">revoked</span>
                  ) : (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => window.confirm(`Revoke “${t.name}”? Scripts using it stop working.`) && revoke.mutate(t.id)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ShowApiCall method="POST" path="/api/v1/api-tokens" body={{ ...body(), name: name.trim() || 'ci deploys' }} />
    </section>
  );
}
