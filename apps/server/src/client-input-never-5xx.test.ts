import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesOf } from './app.js';
import { seedConnection, seedDefinition, startApiHarness, type ApiHarness, type ApiResponse } from '@tributary/testing/server';

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

/** The problem's `errors` entries: `pointer` for body fields, `parameter` for path and query ones. */
type FieldProblem = { pointer?: string; parameter?: string; detail: string };
const errorsOf = (res: ApiResponse) => ((res.body as { errors?: FieldProblem[] }).errors ?? []);

/** 400 problem+json whose `errors` name the field: a body pointer (`#/name`) or a parameter (`offset`). */
function expectFieldRejected(res: ApiResponse, field: { pointer: string | RegExp } | { parameter: string }, label = ''): void {
  expect(res.status, `${label} ${res.text.slice(0, 300)}`).toBe(400);
  expect(res.contentType, label).toMatch(/^application\/problem\+json/);
  const named = errorsOf(res).map((e) => ('pointer' in field ? e.pointer : e.parameter));
  const wanted = 'pointer' in field ? field.pointer : field.parameter;
  expect(
    named.some((n) => (typeof wanted === 'string' ? n === wanted : wanted.test(n ?? ''))),
    `${label}: errors ${JSON.stringify(errorsOf(res))} should name ${String(wanted)}`,
  ).toBe(true);
}

const LIST_PATHS = [
  '/api/v1/workspaces',
  '/api/v1/sources',
  '/api/v1/destinations',
  '/api/v1/connections',
  '/api/v1/jobs',
  '/api/v1/source-definitions',
  '/api/v1/destination-definitions',
  '/api/v1/api-tokens',
];

describe('input the issue tracker found answered 5xx, or wrongly 2xx', () => {
  let api: ApiHarness;
  let sourceDefinitionId: string;
  let sourceId: string;
  let destinationId: string;
  let connectionId: string;
  beforeAll(async () => {
    api = await startApiHarness();
    const open = { connectionSpecification: { type: 'object', additionalProperties: true } };
    const sourceDefinition = await seedDefinition(api.dataSource, 'source', 'source-typed-input', open);
    const destinationDefinition = await seedDefinition(api.dataSource, 'destination', 'destination-typed-input', open);
    const actor = async (kind: 'sources' | 'destinations', definitionId: string) => {
      const res = await api.request('POST', `/api/v1/${kind}`, { body: { workspaceId: api.workspaceId, definitionId, name: kind, configuration: {} } });
      expect(res.status, res.text).toBe(201);
      return (res.body as { id: string }).id;
    };
    sourceDefinitionId = sourceDefinition.id;
    sourceId = await actor('sources', sourceDefinition.id);
    destinationId = await actor('destinations', destinationDefinition.id);
    connectionId = await seedConnection(api.dataSource, api.workspaceId, 'input');
  });
  afterAll(() => api?.close());

  it('every list rejects an offset or limit that is not a bounded integer, naming the parameter', async () => {
    expect(LIST_PATHS.every((path) => routesOf(api.app).some((r) => r.method === 'GET' && r.url === path))).toBe(true);
    const offsets = ['1e19', '9223372036854775807', '5.7e307', '9007199254740993', '1.5', '0x10', '', '-0.5'];
    for (const path of LIST_PATHS) {
      for (const offset of offsets) expectFieldRejected(await api.request('GET', `${path}?offset=${offset}`), { parameter: 'offset' }, `${path}?offset=${offset}`);
      for (const limit of ['1e3', '2.5', '']) expectFieldRejected(await api.request('GET', `${path}?limit=${limit}`), { parameter: 'limit' }, `${path}?limit=${limit}`);
      const page = await api.request('GET', `${path}?offset=12&limit=7`);
      expect(page.status, `${path}: ${page.text}`).toBe(200);
      expect(page.body).toMatchObject({ offset: 12, limit: 7 });
    }
  });

  it('PATCH with "name": null is rejected naming /name, for workspaces, sources, destinations and connections', async () => {
    for (const path of [`/workspaces/${api.workspaceId}`, `/sources/${sourceId}`, `/destinations/${destinationId}`, `/connections/${connectionId}`]) {
      expectFieldRejected(await api.request('PATCH', `/api/v1${path}`, { rawBody: '{"name": null}' }), { pointer: '#/name' }, path);
    }
  });

  it('a definition whose runtime is [null] (or any array) is rejected naming /runtime', async () => {
    for (const path of ['/api/v1/source-definitions', '/api/v1/destination-definitions']) {
      for (const runtime of ['[null]', '[1]', '[{"kind": "pypi"}]', '[[]]']) {
        expectFieldRejected(await api.request('POST', path, { rawBody: `{"name": "source-x", "runtime": ${runtime}}` }), { pointer: /^#\/runtime/ }, `${path} ${runtime}`);
      }
    }
  });

  it('a NUL character or a lone surrogate anywhere in a body is rejected naming the field, not stored', async () => {
    const sourceBody = (configuration: string) =>
      `{"workspaceId": "${api.workspaceId}", "definitionId": "${sourceDefinitionId}", "name": "s", "configuration": ${configuration}}`;
    const cases: [method: string, path: string, body: string, pointer: string | RegExp][] = [
      ['POST', '/api/v1/workspaces', '{"name": "a\\u0000b"}', '#/name'],
      ['POST', '/api/v1/workspaces', '{"name": "a\\ud800b"}', '#/name'],
      ['POST', '/api/v1/workspaces', '{"name": "a\\udfffb"}', '#/name'],
      ['PATCH', `/api/v1/workspaces/${api.workspaceId}`, '{"name": "\\u0000"}', '#/name'],
      ['PATCH', `/api/v1/sources/${sourceId}`, '{"name": "x\\u0000"}', '#/name'],
      ['PATCH', `/api/v1/destinations/${destinationId}`, '{"name": "x\\ud83d"}', '#/name'],
      ['PATCH', `/api/v1/connections/${connectionId}`, '{"name": "x\\u0000"}', '#/name'],
      ['POST', '/api/v1/sources', sourceBody('{"host": "a\\u0000"}'), '#/configuration/host'],
      ['POST', '/api/v1/sources', sourceBody('{"nested": {"list": ["ok", "\\ud800"]}}'), '#/configuration/nested/list/1'],
      ['POST', '/api/v1/sources', sourceBody('{"ke\\u0000y": 1}'), /^#\/configuration\/ke/],
      ['PATCH', `/api/v1/sources/${sourceId}`, '{"configuration": {"k\\udc00": "v"}}', /^#\/configuration\/k/],
    ];
    for (const [method, path, body, pointer] of cases) expectFieldRejected(await api.request(method, path, { rawBody: body }), { pointer }, `${method} ${path} ${body}`);
    const names = ((await api.request('GET', '/api/v1/workspaces')).body as { data: { name: string }[] }).data.map((w) => w.name);
    expect(names.filter((n) => n.includes('\uFFFD') || n.includes('\u0000'))).toEqual([]);
  });

  it('a number out of the double range (1e400) is rejected naming the field, not stored as null', async () => {
    const res = await api.request('PATCH', `/api/v1/sources/${sourceId}`, { rawBody: '{"configuration": {"count": 1e400}}' });
    expectFieldRejected(res, { pointer: '#/configuration/count' });
    expectFieldRejected(await api.request('PATCH', `/api/v1/sources/${sourceId}`, { rawBody: '{"configuration": {"n": [-1e999]}}' }), { pointer: '#/configuration/n/0' });
  });

  it('JSON nested deeper than the limit is answered 400 at once, before it is parsed, and does not hold up other requests', async () => {
    const deeplyNested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    for (const body of [deeplyNested(10_000), deeplyNested(100_000), '['.repeat(1_000_000) + ']'.repeat(1_000_000)]) {
      const started = performance.now();
      const [res, other] = await Promise.all([
        api.request('POST', '/api/v1/workspaces', { rawBody: body }),
        new Promise((resolve) => setTimeout(resolve, 5)).then(() => api.request('GET', `/api/v1/workspaces/${api.workspaceId}`)),
      ]);
      const ms = performance.now() - started;
      expect(res.status, res.text.slice(0, 300)).toBe(400);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect((res.body as { detail: string }).detail).toMatch(/nest/i);
      expect(other.status).toBe(200);
      expect(ms, `${body.length} bytes of nesting took ${ms} ms`).toBeLessThan(1000);
    }
    // what real configurations look like still passes
    const res = await api.request('PATCH', `/api/v1/sources/${sourceId}`, { body: { configuration: JSON.parse(deeplyNested(20)) as Record<string, unknown> } });
    expect(res.status, res.text).toBe(200);
  });

  it('a path parameter of any length is answered 400 problem+json naming it, never 414', async () => {
    for (const length of [101, 1000, 5000]) {
      const res = await api.request('GET', `/api/v1/workspaces/${'a'.repeat(length)}`);
      expectFieldRejected(res, { parameter: 'workspaceId' }, `${length} characters`);
    }
  });

  it('a method the path does not serve is answered 405 problem+json with an Allow header', async () => {
    const cases: [method: string, path: string, allowed: string[]][] = [
      ['PUT', '/api/v1/workspaces', ['GET', 'HEAD', 'POST']],
      ['DELETE', '/api/v1/workspaces', ['GET', 'HEAD', 'POST']],
      ['PUT', `/api/v1/workspaces/${api.workspaceId}`, ['DELETE', 'GET', 'HEAD', 'PATCH']],
      ['POST', `/api/v1/sources/${sourceId}`, ['DELETE', 'GET', 'HEAD', 'PATCH']],
      ['GET', '/api/v1/jobs/1/cancel', ['POST']],
      ['DELETE', `/api/v1/connections/${connectionId}/state`, ['GET', 'HEAD', 'PUT']],
      // a static path is not the parameter route beside it
      ['OPTIONS', '/api/v1/sources/check', ['POST']],
      ['PATCH', '/api/v1/destinations/check', ['POST']],
      // fastify would ask QUERY for a Content-Type before it noticed no route serves it
      ['QUERY', `/api/v1/workspaces/${api.workspaceId}`, ['DELETE', 'GET', 'HEAD', 'PATCH']],
      ['QUERY', '/api/v1/health', ['GET', 'HEAD']],
    ];
    for (const [method, path, allowed] of cases) {
      const res = await api.request(method, path);
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(405);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('allow')?.split(/,\s*/).sort(), `${method} ${path}`).toEqual(allowed);
    }
    // a path nothing serves stays 404
    expect((await api.request('PUT', '/api/v1/nothing-here')).status).toBe(404);
  });

  it('PATCH with no body, a null body or an empty object is rejected with 400', async () => {
    for (const path of [`/workspaces/${api.workspaceId}`, `/sources/${sourceId}`, `/destinations/${destinationId}`, `/connections/${connectionId}`]) {
      for (const rawBody of [undefined, 'null', '{}', '[]', '"name"']) {
        const res = await api.request('PATCH', `/api/v1${path}`, rawBody === undefined ? {} : { rawBody });
        expect(res.status, `PATCH ${path} ${rawBody}: ${res.text}`).toBe(400);
        expect(res.contentType).toMatch(/^application\/problem\+json/);
      }
    }
  });

  it('a body that is not JSON (form-encoded, plain text) is answered 415 problem+json', async () => {
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await fetch(`${api.baseUrl}/api/v1/workspaces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': contentType },
        body: 'name=Sneaky',
      });
      expect(res.status, contentType).toBe(415);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const names = ((await api.request('GET', '/api/v1/workspaces')).body as { data: { name: string }[] }).data.map((w) => w.name);
    expect(names).not.toContain('Sneaky');
     // fetch labels an empty string body text/plain (the web UI's proxy forwards such bodies): no body is no body
    const empty = await fetch(`${api.baseUrl}/api/v1/workspaces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'text/plain;charset=UTF-8' },
      body: '',
    });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toContain('#/name');
  });
});

describe('the OpenAPI document tells the truth about what the server accepts', () => {
  let api: ApiHarness;
  let document: {
    paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema: Record<string, unknown> }[]; requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }>>;
    components: { schemas: Record<string, { additionalProperties?: unknown; minProperties?: number; properties?: Record<string, Record<string, unknown>> }> };
  };
  beforeAll(async () => {
    api = await startApiHarness();
    document = (await api.request('GET', '/api/v1/openapi.json')).body as typeof document;
  });
  afterAll(() => api?.close());

  it('limit and offset are bounded integers in every list', () => {
    for (const path of LIST_PATHS) {
      const parameters = document.paths[path]?.get?.parameters ?? [];
      const schemaOf = (name: string) => parameters.find((p) => p.name === name && p.in === 'query')?.schema;
      expect(schemaOf('limit'), path).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
      expect(schemaOf('offset'), path).toMatchObject({ type: 'integer', minimum: 0, maximum: expect.any(Number) as number });
    }
  });

  it('path parameters declare what their pipes accept (UUIDs, job numbers, attempt numbers)', () => {
    const pathParameters = Object.values(document.paths).flatMap((item) => Object.values(item).flatMap((op) => (op.parameters ?? []).filter((p) => p.in === 'path')));
    expect(pathParameters.length).toBeGreaterThan(20);
    for (const parameter of pathParameters) {
      const { schema } = parameter;
      expect(schema.format === 'uuid' || typeof schema.pattern === 'string' || (schema.type === 'integer' && schema.minimum === 0), `${parameter.name}: ${JSON.stringify(schema)}`).toBe(true);
    }
  });

  it('request bodies forbid unknown properties, names declare minLength 1 and updates at least one property', () => {
    const bodySchemas = Object.values(document.paths).flatMap((item) =>
      Object.entries(item).flatMap(([method, op]) => {
        const ref = op.requestBody?.content['application/json']?.schema.$ref;
        return ref ? [{ method, name: ref.split('/').pop()! }] : [];
      }),
    );
    expect(bodySchemas.length).toBeGreaterThan(10);
    for (const { method, name } of bodySchemas) {
      const schema = document.components.schemas[name]!;
      expect(schema.additionalProperties, name).toBe(false);
      if (schema.properties?.name?.type === 'string' && !schema.properties.name.pattern) expect(schema.properties.name.minLength, `${name}.name`).toBe(1);
      if (method === 'patch') expect(schema.minProperties, name).toBe(1);
    }
    expect(document.components.schemas.StreamConfigurationDto?.additionalProperties).toBe(false);
    expect(document.components.schemas.CreateSourceDto?.properties?.configuration?.additionalProperties).toBe(true);
  });
});
