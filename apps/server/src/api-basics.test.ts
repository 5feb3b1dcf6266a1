import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERIFIED_TTL_MS } from './auth/api-token-verifier.js';
import { startApiHarness, type ApiHarness } from '@tributary/testing/server';

describe('Config API basics (real HTTP, real Postgres)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness();
  });
  afterAll(() => api?.close());

  it('answers health without a token', async () => {
    const res = await api.request('GET', '/api/v1/health', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers 401 problem+json without a token, with a bad one, and with a revoked one', async () => {
    for (const token of [null, 'trb_nope']) {
      const res = await api.request('GET', '/api/v1/version', { token });
      expect(res.status).toBe(401);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.body).toMatchObject({ status: 401, code: 'unauthenticated', title: 'Unauthenticated', instance: '/api/v1/version' });
    }
  });

  it('a token revoked behind the back of this server (another replica) stops working within the verification TTL', async () => {
    const created = await api.request('POST', '/api/v1/api-tokens', { body: { name: 'replica' } });
    const { id, token } = created.body as { id: string; token: string };
    expect((await api.request('GET', '/api/v1/version', { token })).status).toBe(200);
    await api.dataSource.query(`UPDATE api_token SET revoked_at = now() WHERE id = $1`, [id]);
    await new Promise((resolve) => setTimeout(resolve, VERIFIED_TTL_MS + 200));
    expect((await api.request('GET', '/api/v1/version', { token })).status).toBe(401);
  });

  it('reports the version', async () => {
    const res = await api.request('GET', '/api/v1/version');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ version: '0.1.0' });
  });

  it('creates, lists and revokes API tokens; a revoked token stops working', async () => {
    const created = await api.request('POST', '/api/v1/api-tokens', { body: { name: 'ci' } });
    expect(created.status).toBe(201);
    const { id, token, prefix } = created.body as { id: string; token: string; prefix: string };
    expect(token.startsWith(prefix)).toBe(true);
    expect((await api.request('GET', '/api/v1/version', { token })).status).toBe(200);

    const list = await api.request('GET', '/api/v1/api-tokens');
    expect(list.text).not.toContain(token);
    expect((list.body as { data: { id: string; lastUsedAt: string | null }[] }).data.find((t) => t.id === id)?.lastUsedAt).not.toBeNull();

    expect((await api.request('DELETE', `/api/v1/api-tokens/${id}`)).status).toBe(204);
    expect((await api.request('DELETE', `/api/v1/api-tokens/${id}`)).status).toBe(204);
    expect((await api.request('GET', '/api/v1/version', { token })).status).toBe(401);
  });

  it('does workspace CRUD with pagination', async () => {
    const created = await api.request('POST', '/api/v1/workspaces', { body: { name: 'Analytics' } });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect((await api.request('GET', `/api/v1/workspaces/${id}`)).body).toMatchObject({ id, name: 'Analytics' });
    expect((await api.request('PATCH', `/api/v1/workspaces/${id}`, { body: { name: 'Renamed' } })).body).toMatchObject({ name: 'Renamed' });

    const page = (await api.request('GET', '/api/v1/workspaces?limit=1')).body as { data: unknown[]; hasMore: boolean; limit: number };
    expect(page).toMatchObject({ limit: 1, hasMore: true });
    expect(page.data).toHaveLength(1);

    expect((await api.request('DELETE', `/api/v1/workspaces/${id}`)).status).toBe(204);
    const gone = await api.request('GET', `/api/v1/workspaces/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: 'not_found', status: 404, type: 'urn:tributary:problem:not_found' });
  });

  it('names each invalid field of a request body and rejects unknown ones', async () => {
    const res = await api.request('POST', '/api/v1/workspaces', { body: { name: 42, color: 'red' } });
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    const errors = (res.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer);
    expect(errors).toEqual(expect.arrayContaining(['#/name', '#/color']));
  });

  it('names a bad path or query parameter', async () => {
    const res = await api.request('GET', '/api/v1/workspaces/not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: [{ parameter: 'workspaceId' }] });
    const query = await api.request('GET', '/api/v1/workspaces?limit=0');
    expect(query.status).toBe(400);
    expect(query.body).toMatchObject({ errors: [{ parameter: 'limit' }] });
  });

  it('answers malformed JSON, a wrong content type and unknown routes with 4xx problem+json', async () => {
    const bad = await api.request('POST', '/api/v1/workspaces', { rawBody: '{"name":' });
    expect(bad.status).toBe(400);
    expect(bad.contentType).toMatch(/^application\/problem\+json/);

    const wrongType = await fetch(`${api.baseUrl}/api/v1/workspaces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'text/xml' },
      body: '<name/>',
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const unknown = await api.request('GET', '/api/v1/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toMatch(/^application\/problem\+json/);
  });

  it('serves Swagger UI and the OpenAPI document', async () => {
    const ui = await fetch(`${api.baseUrl}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const doc = (await (await fetch(`${api.baseUrl}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/v1/workspaces');
  });
});
