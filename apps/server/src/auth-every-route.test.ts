import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesOf, type ServedRoute } from './app.js';
import { startApiHarness, type ApiHarness } from '@tributary/testing/server';

interface OpenApiDocument {
  paths: Record<string, Record<string, { security?: unknown[] }>>;
}

/** what anyone may call: liveness, and signing in (which is how a person gets a credential) */
const PUBLIC_ROUTES = ['GET /api/v1/health', 'POST /api/v1/sessions'];
const ANY_ID = '00000000-0000-4000-8000-000000000000';
const key = (method: string, openApiPath: string) => `${method.toUpperCase()} ${openApiPath}`;
/** `/a/:id` (fastify) -> `/a/{id}` (OpenAPI) */
const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('authentication on every route', () => {
  let api: ApiHarness;
  let apiRoutes: ServedRoute[];
  let doc: OpenApiDocument;
  beforeAll(async () => {
    api = await startApiHarness();
    doc = (await (await fetch(`${api.baseUrl}/api/v1/openapi.json`)).json()) as OpenApiDocument;
    // the router's own table: what is really served, not what the document claims
    apiRoutes = routesOf(api.app).filter((r) => r.url.startsWith('/api/v1/') && !/\/openapi\.(json|yaml)$/.test(r.url));
  });
  afterAll(() => api?.close());

  it('the OpenAPI document describes exactly the routes the server serves', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => key(method, path)));
    expect(apiRoutes.map((r) => key(r.method, toOpenApiPath(r.url))).sort()).toEqual(documented.sort());
    expect(apiRoutes.length).toBeGreaterThanOrEqual(20);
  });

  it('only health and sign-in are public, in the document too', () => {
    const publicOps = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => Array.isArray(op.security) && op.security.length === 0)
        .map(([method]) => key(method, path)),
    );
    expect(publicOps.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('every served route but the public ones answers 401 problem+json without a token and with a wrong one', async () => {
    const checked: string[] = [];
    for (const route of apiRoutes) {
      if (PUBLIC_ROUTES.includes(key(route.method, route.url))) continue;
      const path = route.url.replace(/:\w+/g, ANY_ID);
      for (const token of [null, 'trb_wrong', 'trs_wrong']) {
        const res = await api.request(route.method, path, { token, ...(['POST', 'PATCH', 'PUT'].includes(route.method) ? { body: {} } : {}) });
        const label = `${route.method} ${route.url} (token: ${token ?? 'none'})`;
        expect(res.status, label).toBe(401);
        expect(res.contentType, label).toMatch(/^application\/problem\+json/);
        expect(res.body, label).toMatchObject({ status: 401, code: 'unauthenticated' });
      }
      checked.push(key(route.method, route.url));
    }
    expect(checked.length).toBe(apiRoutes.length - PUBLIC_ROUTES.length);
  });

  it('health answers without a token', async () => {
    expect((await api.request('GET', '/api/v1/health', { token: null })).status).toBe(200);
  });
});
