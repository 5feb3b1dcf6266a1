// Web UI sign-in: email + password -> a session credential that works like a token until it
// expires or the user signs out. Real server, real Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserEntity, hashPassword } from '@tributary/db';
import { startApiHarness, type ApiHarness } from '@tributary/testing/server';

const EMAIL = 'ada@example.com';
const PASSWORD = 'a long enough password';

describe('sessions (web UI sign-in)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness();
    await api.dataSource.getRepository(UserEntity).save({
      email: EMAIL,
      name: 'Ada',
      passwordHash: await hashPassword(PASSWORD),
      role: 'instance_admin',
      workspaceId: null,
      disabledAt: null,
    });
  });
  afterAll(() => api?.close());

  const signIn = async (email = EMAIL, password = PASSWORD) =>
    api.request('POST', '/api/v1/sessions', { token: null, body: { email, password } });

  it('signs in with email and password, and the session credential opens the API', async () => {
    const res = await signIn(' ADA@example.com ');
    expect(res.status).toBe(201);
    const body = res.body as { token: string; expiresAt: string; user: Record<string, unknown> };
    expect(body.token).toMatch(/^trs_[\w-]{40,}$/);
    expect(body.user).toMatchObject({ email: EMAIL, name: 'Ada', role: 'instance_admin', workspaceId: null });
    const hoursLeft = (Date.parse(body.expiresAt) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(11.9);
    expect(hoursLeft).toBeLessThanOrEqual(12);

    expect((await api.request('GET', '/api/v1/workspaces', { token: body.token })).status).toBe(200);
    const current = await api.request('GET', '/api/v1/sessions/current', { token: body.token });
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ expiresAt: body.expiresAt, user: { email: EMAIL } });
    // the token itself is never stored
    const stored = JSON.stringify(await api.dataSource.query('SELECT * FROM user_session'));
    expect(stored).not.toContain(body.token.slice(4));
  });

  it('a wrong password and an unknown email get the same 401, naming neither', async () => {
    const wrong = await signIn(EMAIL, 'not the password');
    const unknown = await signIn('nobody@example.com', PASSWORD);
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'unauthenticated', detail: 'the email or the password is wrong' });
    }
  });

  it('a sign-in without a password is a 400 naming the field', async () => {
    const res = await api.request('POST', '/api/v1/sessions', { token: null, body: { email: EMAIL } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('/password');
  });

  it('signing out ends the session at once', async () => {
    const { token } = (await signIn()).body as { token: string };
    expect((await api.request('DELETE', '/api/v1/sessions/current', { token })).status).toBe(204);
    const after = await api.request('GET', '/api/v1/workspaces', { token });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ detail: 'the session has expired or was signed out: sign in again' });
  });

  it('an expired session is refused', async () => {
    const { token } = (await signIn()).body as { token: string };
    expect((await api.request('GET', '/api/v1/workspaces', { token })).status).toBe(200);
    await api.dataSource.query(`UPDATE user_session SET expires_at = now() - interval '1 second'`);
    expect((await api.request('GET', '/api/v1/workspaces', { token })).status).toBe(401);
  });

  it('a disabled user is signed out everywhere and cannot sign in', async () => {
    const { token } = (await signIn()).body as { token: string };
    await api.dataSource.query(`UPDATE app_user SET disabled_at = now() WHERE email = $1`, [EMAIL]);
    try {
      expect((await api.request('GET', '/api/v1/workspaces', { token })).status).toBe(401);
      expect((await signIn()).status).toBe(401);
    } finally {
      await api.dataSource.query(`UPDATE app_user SET disabled_at = NULL WHERE email = $1`, [EMAIL]);
    }
  });

  it('the session routes answer 404 to an API token, which has no session', async () => {
    const res = await api.request('GET', '/api/v1/sessions/current');
    expect(res.status).toBe(404);
    expect((res.body as { detail: string }).detail).toContain('API token, not a session');
  });

  it('changing the password needs the current one and ends the other sessions', async () => {
    const first = ((await signIn()).body as { token: string }).token;
    const second = ((await signIn()).body as { token: string }).token;
    const bad = await api.request('PUT', '/api/v1/sessions/current/password', {
      token: second,
      body: { currentPassword: 'wrong', newPassword: 'a brand new password' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('/currentPassword');
    const short = await api.request('PUT', '/api/v1/sessions/current/password', {
      token: second,
      body: { currentPassword: PASSWORD, newPassword: 'short' },
    });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toContain('/newPassword');

    const changed = await api.request('PUT', '/api/v1/sessions/current/password', {
      token: second,
      body: { currentPassword: PASSWORD, newPassword: 'a brand new password' },
    });
    expect(changed.status).toBe(204);
    expect((await api.request('GET', '/api/v1/workspaces', { token: first })).status).toBe(401);
    expect((await api.request('GET', '/api/v1/workspaces', { token: second })).status).toBe(200);
    expect((await signIn()).status).toBe(401);
    expect((await signIn(EMAIL, 'a brand new password')).status).toBe(201);
  });
});
