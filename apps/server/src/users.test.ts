// Users of the web UI, managed through the API by admins: created with a role (a generated
// password shown once), listed, their role changed, removed. Real server, real Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserEntity, WorkspaceEntity, hashPassword } from '@tributary/db';
import { startApiHarness, type ApiHarness } from '@tributary/testing/server';

const PASSWORD = 'a long enough password';

describe('users (people of the web UI)', () => {
  let api: ApiHarness;
  let otherWorkspace: string;
  let adminSession: string;
  let adminId: string;
  beforeAll(async () => {
    api = await startApiHarness();
    otherWorkspace = (await api.dataSource.getRepository(WorkspaceEntity).save({ name: 'Other' })).id;
    const admin = await api.dataSource.getRepository(UserEntity).save({
      email: 'root@example.com',
      name: 'Root',
      passwordHash: await hashPassword(PASSWORD),
      role: 'instance_admin',
      workspaceId: null,
      disabledAt: null,
    });
    adminId = admin.id;
    adminSession = await signIn('root@example.com', PASSWORD);
  });
  afterAll(() => api?.close());

  async function signIn(email: string, password: string): Promise<string> {
    const res = await api.request('POST', '/api/v1/sessions', { token: null, body: { email, password } });
    expect(res.status, res.text).toBe(201);
    return (res.body as { token: string }).token;
  }
  const createUser = (body: Record<string, unknown>, token?: string) => api.request('POST', '/api/v1/users', { body, ...(token ? { token } : {}) });

  it('creates a user with a generated password shown once, who signs in with that role', async () => {
    const res = await createUser({ email: ' Vera@Example.com ', name: 'Vera', role: 'workspace_viewer', workspaceId: api.workspaceId });
    expect(res.status, res.text).toBe(201);
    const body = res.body as { id: string; email: string; role: string; workspaceId: string; initialPassword: string; createdAt: string };
    expect(body).toMatchObject({ email: 'vera@example.com', name: 'Vera', role: 'workspace_viewer', workspaceId: api.workspaceId });
    expect(body.initialPassword).toMatch(/^[\w-]{24}$/);
    const session = await signIn('vera@example.com', body.initialPassword);
    const current = await api.request('GET', '/api/v1/sessions/current', { token: session });
    expect(current.body).toMatchObject({ user: { id: body.id, role: 'workspace_viewer' } });
    // the viewer reads, and cannot change anything
    expect((await api.request('GET', '/api/v1/connections', { token: session })).status).toBe(200);
    expect((await api.request('POST', '/api/v1/workspaces', { token: session, body: { name: 'x' } })).status).toBe(403);

    const list = await api.request('GET', '/api/v1/users');
    expect(list.status).toBe(200);
    const listed = (list.body as { data: Record<string, unknown>[] }).data.find((u) => u.id === body.id);
    expect(listed).toEqual({ id: body.id, email: 'vera@example.com', name: 'Vera', role: 'workspace_viewer', workspaceId: api.workspaceId, createdAt: body.createdAt });
    // the password is never stored or listed in clear
    expect(list.text).not.toContain(body.initialPassword);
    expect(JSON.stringify(await api.dataSource.query('SELECT * FROM app_user'))).not.toContain(body.initialPassword);
  });

  it('a password chosen by the admin is taken and not echoed', async () => {
    const res = await createUser({ email: 'ed@example.com', name: 'Ed', role: 'workspace_editor', workspaceId: api.workspaceId, password: PASSWORD });
    expect(res.status, res.text).toBe(201);
    expect(res.body).not.toHaveProperty('initialPassword');
    expect(await signIn('ed@example.com', PASSWORD)).toMatch(/^trs_/);
  });

  it('refuses a taken email (409), a bad email, a short password and a workspace role without a workspace (4xx naming the field)', async () => {
    const taken = await createUser({ email: 'ED@example.com', name: 'Ed again', role: 'workspace_viewer', workspaceId: api.workspaceId });
    expect(taken.status).toBe(409);
    expect(JSON.stringify(taken.body)).toContain('/email');
    for (const [body, field] of [
      [{ email: 'not-an-email', name: 'x', role: 'workspace_viewer', workspaceId: api.workspaceId }, '/email'],
      [{ email: 'short@example.com', name: 'x', role: 'workspace_viewer', workspaceId: api.workspaceId, password: 'short' }, '/password'],
      [{ email: 'norole@example.com', name: 'x', role: 'superuser', workspaceId: api.workspaceId }, '/role'],
    ] as const) {
      const res = await createUser(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
    // the API token of the harness is an instance admin: it has no workspace to default to
    const noWorkspace = await createUser({ email: 'lost@example.com', name: 'x', role: 'workspace_viewer' });
    expect(noWorkspace.status).toBe(400);
    expect(JSON.stringify(noWorkspace.body)).toContain('/workspaceId');
  });

  it("changes a user's role: their sessions end and the next sign-in carries the new role", async () => {
    const created = (await createUser({ email: 'rita@example.com', name: 'Rita', role: 'workspace_viewer', workspaceId: api.workspaceId, password: PASSWORD })).body as { id: string };
    const before = await signIn('rita@example.com', PASSWORD);
    const res = await api.request('PATCH', `/api/v1/users/${created.id}`, { token: adminSession, body: { role: 'workspace_editor' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, role: 'workspace_editor', workspaceId: api.workspaceId });
    expect((await api.request('GET', '/api/v1/connections', { token: before })).status).toBe(401);
    const after = await signIn('rita@example.com', PASSWORD);
    expect((await api.request('GET', '/api/v1/sessions/current', { token: after })).body).toMatchObject({ user: { role: 'workspace_editor' } });
    // a rename keeps the sessions
    expect((await api.request('PATCH', `/api/v1/users/${created.id}`, { token: adminSession, body: { name: 'Rita R.' } })).status).toBe(200);
    expect((await api.request('GET', '/api/v1/connections', { token: after })).status).toBe(200);
  });

  it('a workspace admin manages the users of its workspace only, and hands out no role above its own', async () => {
    await createUser({ email: 'wadmin@example.com', name: 'W', role: 'workspace_admin', workspaceId: api.workspaceId, password: PASSWORD });
    const other = (await createUser({ email: 'otto@example.com', name: 'Otto', role: 'workspace_viewer', workspaceId: otherWorkspace })).body as { id: string };
    const wadmin = await signIn('wadmin@example.com', PASSWORD);
    // its own workspace by default
    const made = await createUser({ email: 'new@example.com', name: 'New', role: 'workspace_editor' }, wadmin);
    expect(made.status, made.text).toBe(201);
    expect(made.body).toMatchObject({ workspaceId: api.workspaceId });
    const above = await createUser({ email: 'boss@example.com', name: 'Boss', role: 'instance_admin' }, wadmin);
    expect(above.status).toBe(403);
    expect(JSON.stringify(above.body)).toContain('/role');
    const elsewhere = await createUser({ email: 'far@example.com', name: 'Far', role: 'workspace_viewer', workspaceId: otherWorkspace }, wadmin);
    expect(elsewhere.status).toBe(404);
    // the other workspace's user is not there for it: not listed, 404 to change or remove
    const listed = ((await api.request('GET', '/api/v1/users', { token: wadmin })).body as { data: { id: string; workspaceId: string | null }[] }).data;
    expect(listed.map((u) => u.id)).not.toContain(other.id);
    expect(listed.every((u) => u.workspaceId === api.workspaceId)).toBe(true);
    expect((await api.request('PATCH', `/api/v1/users/${other.id}`, { token: wadmin, body: { role: 'workspace_editor' } })).status).toBe(404);
    expect((await api.request('DELETE', `/api/v1/users/${other.id}`, { token: wadmin })).status).toBe(404);
    // nor can it raise one of its own users to instance admin
    const raise = await api.request('PATCH', `/api/v1/users/${(made.body as { id: string }).id}`, { token: wadmin, body: { role: 'instance_admin' } });
    expect(raise.status).toBe(403);
  });

  it('nobody changes their own role or removes themselves, and the last instance admin stays', async () => {
    const own = await api.request('PATCH', `/api/v1/users/${adminId}`, { token: adminSession, body: { role: 'workspace_viewer', workspaceId: api.workspaceId } });
    expect(own.status).toBe(409);
    expect(JSON.stringify(own.body)).toContain('/role');
    expect((await api.request('DELETE', `/api/v1/users/${adminId}`, { token: adminSession })).status).toBe(409);
    // through an API token there is no "self": the last instance admin is what is kept
    const last = await api.request('PATCH', `/api/v1/users/${adminId}`, { body: { role: 'workspace_admin', workspaceId: api.workspaceId } });
    expect(last.status).toBe(409);
    expect(JSON.stringify(last.body)).toContain('last instance admin');
    expect((await api.request('DELETE', `/api/v1/users/${adminId}`)).status).toBe(409);
    expect((await api.request('GET', '/api/v1/sessions/current', { token: adminSession })).status).toBe(200);
  });

  it('removes a user: their sessions stop working and they cannot sign in', async () => {
    const created = (await createUser({ email: 'gone@example.com', name: 'Gone', role: 'workspace_editor', workspaceId: api.workspaceId, password: PASSWORD })).body as { id: string };
    const session = await signIn('gone@example.com', PASSWORD);
    const res = await api.request('DELETE', `/api/v1/users/${created.id}`, { token: adminSession });
    expect(res.status).toBe(204);
    expect((await api.request('GET', '/api/v1/connections', { token: session })).status).toBe(401);
    const again = await api.request('POST', '/api/v1/sessions', { token: null, body: { email: 'gone@example.com', password: PASSWORD } });
    expect(again.status).toBe(401);
    expect((await api.request('DELETE', `/api/v1/users/${created.id}`, { token: adminSession })).status).toBe(404);
  });
});
