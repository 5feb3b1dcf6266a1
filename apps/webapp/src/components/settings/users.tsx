'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '@/lib/api';
import { formatTime } from '@/lib/format';
import { grantableBy, isAdmin, roleLabel, type Role } from '@/lib/roles';
import { useWorkspace } from '@/lib/workspace';
import { useUiSettings } from '../providers';
import { ShowApiCall } from '../show-api-call';
import { ErrorState, Loading } from '../states';

/** The people who sign in: added with a role (the first password shown once), their role changed, removed. Admins only. */
export function Users() {
  const { user } = useUiSettings();
  if (!isAdmin(user.role)) return null;
  return <UserManager ownRole={user.role as Role} ownId={user.id} />;
}

function UserManager({ ownRole, ownId }: { ownRole: Role; ownId: string }) {
  const queryClient = useQueryClient();
  const workspace = useWorkspace();
  const grantable = grantableBy(ownRole);
  // an instance admin's list holds every workspace's users: those of the one worked in, and the instance admins
  const inThisWorkspace = (u: { workspaceId: string | null }) => !u.workspaceId || u.workspaceId === workspace.data?.id;
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('workspace_viewer');
  const inWorkspace = (r: Role) => (r !== 'instance_admin' && workspace.data ? { workspaceId: workspace.data.id } : {});
  const body = { email: email.trim(), name: name.trim(), role, ...inWorkspace(role) };
  const users = useQuery({
    queryKey: ['users'],
    queryFn: async () => unwrap(await api().GET('/api/v1/users', { params: { query: { limit: 1000 } } })).data,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['users'] });
  const create = useMutation({
    mutationFn: async () => unwrap(await api().POST('/api/v1/users', { body })),
    onSuccess: () => {
      setEmail('');
      setName('');
      return refresh();
    },
  });
  const changeRole = useMutation({
    mutationFn: async ({ userId, role }: { userId: string; role: Role }) =>
      unwrap(await api().PATCH('/api/v1/users/{userId}', { params: { path: { userId } }, body: { role, ...inWorkspace(role) } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: async (userId: string) => unwrap(await api().DELETE('/api/v1/users/{userId}', { params: { path: { userId } } })),
    onSuccess: refresh,
  });
  return (
    <section className="stack">
      <h2>Users</h2>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="ana@example.com" required maxLength={320} />
        </label>
        <label>
          Full name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Ana Lyst" required maxLength={200} />
        </label>
        <label>
          Role of the new user
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {grantable.map((r) => (
              <option key={r.role} value={r.role}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={!email.trim() || !name.trim() || create.isPending || !workspace.data} style={{ alignSelf: 'flex-end' }}>
          Add user
        </button>
      </form>
      <div aria-live="polite">
        {create.data ? (
          <div className="card notice" role="status">
            <p>
              <strong>{create.data.email}</strong> can sign in now with this password (shown only this once; they change it in Settings):
            </p>
            <pre data-testid="new-user-password">{create.data.initialPassword}</pre>
          </div>
        ) : null}
        {create.isError ? <ErrorState error={create.error} what="the new user" /> : null}
        {changeRole.isError ? <ErrorState error={changeRole.error} what="the new role" /> : null}
        {remove.isError ? <ErrorState error={remove.error} what="removing the user" /> : null}
      </div>
      {users.isPending ? <Loading what="users" /> : null}
      {users.isError ? <ErrorState error={users.error} what="users" /> : null}
      {users.data ? (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th>Added</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.data.filter(inThisWorkspace).map((u) => {
              const yours = u.id === ownId;
              // the API refuses changing yourself and anyone above you: show those as text
              const manageable = !yours && grantable.some((g) => g.role === u.role);
              return (
                <tr key={u.id} data-user={u.email}>
                  <td>
                    {u.name}
                    {yours ? <span className="muted small"> (you)</span> : null}
                  </td>
                  <td>{u.email}</td>
                  <td>
                    {manageable ? (
                      <select
                        aria-label={`Role of ${u.email}`}
                        value={u.role}
                        disabled={changeRole.isPending}
                        onChange={(e) => changeRole.mutate({ userId: u.id, role: e.target.value as Role })}
                      >
                        {grantable.map((r) => (
                          <option key={r.role} value={r.role}>
                            {roleLabel(r.role)}
                          </option>
                        ))}
                      </select>
                    ) : (
                      roleLabel(u.role)
                    )}
                  </td>
                  <td>{formatTime(u.createdAt)}</td>
                  <td>
                    {manageable ? (
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Remove ${u.email}`}
                        onClick={() => window.confirm(`Remove ${u.email}? They are signed out at once.`) && remove.mutate(u.id)}
                      >
                        Remove
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <ShowApiCall method="POST" path="/api/v1/users" body={{ ...body, email: body.email || 'ana@example.com', name: body.name || 'Ana Lyst' }} />
    </section>
  );
}
