import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesOf } from './app.js';
import { startApiHarness, type ApiHarness } from '@tributary/testing/server';

/** Bodies a careless or hostile client might send. */
const deep = (n: number): unknown => (n === 0 ? 'x' : { a: deep(n - 1) });
const BODIES: string[] = [
  'null',
  '[]',
  '"text"',
  '42',
  '{}',
  '{"name": null, "configuration": null, "streams": null, "runtime": null, "schedule": null}',
  '{"name": ["a"], "workspaceId": 1, "definitionId": {}, "configuration": [], "streams": [null, 1, "x"], "runtime": {"kind": ["pypi"]}}',
  '{"streams": [{"name": "users", "syncMode": "incremental_dedup", "primaryKey": "id", "cursorField": [1]}], "schedule": {"scheduleType": "cron", "cronExpression": 5}}',
  '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
  '{"limit": 1e308, "version": "1".repeat}',
  JSON.stringify(deep(200)),
  '{"name": "' + 'x'.repeat(100_000) + '"}',
];
const IDS = ['not-a-uuid', '00000000-0000-4000-8000-000000000000', '%00', "1' OR '1'='1"];
const QUERIES = ['', '?limit=abc', '?limit=-1&offset=-5', '?limit=100000', '?workspaceId=nope', '?limit=1&limit=2', '?offset=1e400'];

describe('client input never causes a 5xx', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness();
  });
  afterAll(() => api?.close());

  it('every route answers 2xx/4xx (4xx as problem+json) to malformed ids, queries and bodies', async () => {
    const routes = routesOf(api.app).filter((r) => r.url.startsWith('/api/v1/') && !/openapi\.(json|yaml)$/.test(r.url));
    let requests = 0;
    for (const route of routes) {
      const paths = route.url.includes(':') ? IDS.map((id) => route.url.replace(/:\w+/g, encodeURIComponent(id))) : [route.url];
      for (const path of paths) {
        const variants = ['POST', 'PATCH', 'PUT'].includes(route.method)
          ? BODIES.map((rawBody) => ({ path, rawBody }))
          : QUERIES.map((query) => ({ path: path + query, rawBody: undefined }));
        for (const variant of variants) {
          const res = await api.request(route.method, variant.path, variant.rawBody === undefined ? {} : { rawBody: variant.rawBody });
          requests++;
          const label = `${route.method} ${variant.path.slice(0, 80)} ${variant.rawBody?.slice(0, 60) ?? ''}`;
          expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
          if (res.status >= 400) expect(res.contentType, label).toMatch(/^application\/problem\+json/);
        }
      }
    }
    expect(requests).toBeGreaterThan(300);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
