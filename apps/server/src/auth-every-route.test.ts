import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleAtLeast, type Role } from '@tributary/domain';
import { AttemptEntity, ConnectionEntity, JobEntity, UserEntity, WorkspaceEntity, hashPassword } from '@tributary/db';
import { routesOf, type ServedRoute } from './app.js';
import { ROUTE_ACCESS, routeAccessOf, type RouteAccess } from './auth/route-access.js';
import { seedConnection, startApiHarness, type ApiHarness } from '@tributary/testing/server';

interface OpenApiOperation {
  operationId: string;
  security?: unknown[];
  'x-minimum-role'?: string;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

/** what anyone may call: liveness, and signing in (which is how a person gets a credential) */
// a sync trigger's URL holds its own credential (sync-triggers.temporal.test.ts tests it)
const PUBLIC_ROUTES = ['GET /api/v1/health', 'POST /api/v1/sessions', 'POST /api/v1/sync-triggers/{token}'];
const ANY_ID = '00000000-0000-4000-8000-000000000000';
/** path parameters that are not uuids, with a value that names nothing (jobs are numbered) */
const NOTHING: Record<string, string> = { jobId: '987654321', attemptNumber: '1' };
const WORKSPACE_ROLES = ['workspace_admin', 'workspace_editor', 'workspace_viewer'] as const satisfies Role[];
const key = (method: string, openApiPath: string) => `${method.toUpperCase()} ${openApiPath}`;
/** `/a/:id` (fastify) -> `/a/{id}` (OpenAPI) */
const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const hasBody = (method: string) => ['POST', 'PATCH', 'PUT'].includes(method);

describe('authentication and roles on every route', () => {
  let api: ApiHarness;
  let apiRoutes: ServedRoute[];
  let doc: OpenApiDocument;
  /** route key -> operationId, from the document */
  const operationOf = new Map<string, string>();
  /** credentials by label: `instance_admin`, `A workspace_editor`, `B workspace_admin`, `A workspace_viewer session` */
  const credentials = new Map<string, { token: string; role: Role }>();
  const ids = { workspaceA: '', workspaceB: '', source: '', destination: '', sourceDefinition: '', connection: '', job: '', tokenA: '', channel: '', userA: '' };
  const credential = (label: string) => {
    const found = credentials.get(label);
    if (!found) throw new Error(`no credential ${label}`);
    return found;
  };

  beforeAll(async () => {
    api = await startApiHarness();
    doc = (await (await fetch(`${api.baseUrl}/api/v1/openapi.json`)).json()) as OpenApiDocument;
    for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) operationOf.set(key(method, path), op.operationId);
    // the router's own table: what is really served, not what the document claims
    apiRoutes = routesOf(api.app).filter((r) => r.url.startsWith('/api/v1/') && !/\/openapi\.(json|yaml)$/.test(r.url));

    const ds = api.dataSource;
    ids.workspaceA = api.workspaceId;
    ids.workspaceB = (await ds.getRepository(WorkspaceEntity).save({ name: 'Workspace B' })).id;
    ids.connection = await seedConnection(ds, ids.workspaceA, 'a');
    const connection = await ds.getRepository(ConnectionEntity).findOneOrFail({ where: { id: ids.connection }, relations: { source: true } });
    ids.source = connection.sourceId;
    ids.destination = connection.destinationId;
    ids.sourceDefinition = connection.source!.actorDefinitionId;
    ids.job = (await ds.getRepository(JobEntity).save({ connectionId: ids.connection, jobType: 'sync', status: 'succeeded', streams: null, configSnapshot: {} })).id;
    await ds
      .getRepository(AttemptEntity)
      .save({ jobId: ids.job, attemptNumber: 1, status: 'succeeded', stats: null, failureReasons: [], logPath: null, endedAt: new Date() });
    const channel = await api.request('POST', '/api/v1/notification-channels', {
      body: { workspaceId: ids.workspaceA, name: 'A hooks', kind: 'slack', url: 'http://127.0.0.1:9/hooks', events: ['sync.failed'] },
    });
    expect(channel.status, channel.text).toBe(201);
    ids.channel = (channel.body as { id: string }).id;

    // tokens of each workspace role in A and B, minted through the API by the instance admin
    credentials.set('instance_admin', { token: api.token, role: 'instance_admin' });
    for (const [label, workspaceId] of [['A', ids.workspaceA], ['B', ids.workspaceB]] as const) {
      for (const role of WORKSPACE_ROLES) {
        const res = await api.request('POST', '/api/v1/api-tokens', { body: { name: `${label} ${role}`, role, workspaceId } });
        expect(res.status, res.text).toBe(201);
        const body = res.body as { id: string; token: string; role: string; workspaceId: string };
        expect(body).toMatchObject({ role, workspaceId });
        credentials.set(`${label} ${role}`, { token: body.token, role });
        if (label === 'A' && role === 'workspace_viewer') ids.tokenA = body.id;
      }
    }
    // web UI sessions carry the signed-in user's role the same way
    const password = 'a long enough password';
    for (const role of ['workspace_viewer', 'workspace_editor'] as const) {
      const email = `${role}@a.example`;
      const user = await ds.getRepository(UserEntity).save({ email, name: role, passwordHash: await hashPassword(password), role, workspaceId: ids.workspaceA, disabledAt: null });
      ids.userA = user.id;
      const res = await api.request('POST', '/api/v1/sessions', { token: null, body: { email, password } });
      expect(res.status, res.text).toBe(201);
      credentials.set(`A ${role} session`, { token: (res.body as { token: string }).token, role });
    }
  });
  afterAll(() => api?.close());

  it('the OpenAPI document describes exactly the routes the server serves', () => {
    const documented = [...operationOf.keys()];
    expect(apiRoutes.map((r) => key(r.method, toOpenApiPath(r.url))).sort()).toEqual(documented.sort());
    expect(apiRoutes.length).toBeGreaterThanOrEqual(20);
  });

  it('the access table names every served operation, and nothing else', () => {
    expect(Object.keys(ROUTE_ACCESS).sort()).toEqual([...operationOf.values()].sort());
  });

  it('only health, sign-in and sync trigger URLs are public, in the table and in the document', () => {
    const publicInTable = [...operationOf].filter(([, operationId]) => routeAccessOf(operationId) === 'public').map(([route]) => route);
    expect(publicInTable.sort()).toEqual([...PUBLIC_ROUTES].sort());
    const publicOps = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => Array.isArray(op.security) && op.security.length === 0)
        .map(([method]) => key(method, path)),
    );
    expect(publicOps.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('the document names the minimum role of every other operation', () => {
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) {
        const access = routeAccessOf(op.operationId);
        // runner routes take a replication pod's per-attempt credential, no role
        if (access === 'runner') {
          expect(op.security, key(method, path)).toEqual([{ runner: [] }]);
          expect(op['x-minimum-role'], key(method, path)).toBeUndefined();
        } else if (access !== 'public') expect(op['x-minimum-role'], key(method, path)).toBe(access);
      }
  });

  // the table is the rule, but these lines of it are the security issue's: a slip there must fail loudly
  it('the table keeps definitions, workspaces and tokens with admins, and viewers read-only', () => {
    const byRoute = new Map([...operationOf].map(([route, operationId]) => [route, routeAccessOf(operationId)]));
    const routesWhere = (test: (route: string, access: RouteAccess | undefined) => boolean) => [...byRoute].filter(([r, a]) => test(r, a)).map(([r]) => r);
    // connector definitions run code on the workers
    expect(routesWhere((r, a) => /^(POST|PATCH|PUT|DELETE) \/api\/v1\/\w+-definitions/.test(r) && a !== 'instance_admin')).toEqual([]);
    expect(routesWhere((r, a) => /^(POST|DELETE) \/api\/v1\/workspaces/.test(r) && a !== 'instance_admin')).toEqual([]);
    expect(routesWhere((r, a) => r.includes('/api-tokens') && !(a === 'workspace_admin' || a === 'instance_admin'))).toEqual([]);
    // a viewer changes nothing and triggers nothing: every write but its own session needs an editor
    const viewerWrites = routesWhere((r, a) => !r.startsWith('GET ') && a === 'workspace_viewer');
    expect(viewerWrites.sort()).toEqual(['DELETE /api/v1/sessions/current', 'PUT /api/v1/sessions/current/password']);
  });

  it('every served route but the public ones answers 401 problem+json without a token and with a wrong one', async () => {
    const checked: string[] = [];
    for (const route of apiRoutes) {
      if (PUBLIC_ROUTES.includes(key(route.method, toOpenApiPath(route.url)))) continue;
      const path = route.url.replace(/:\w+/g, ANY_ID);
      for (const token of [null, 'trb_wrong', 'trs_wrong']) {
        const res = await api.request(route.method, path, { token, ...(hasBody(route.method) ? { body: {} } : {}) });
        const label = `${route.method} ${route.url} (token: ${token ?? 'none'})`;
        expect(res.status, label).toBe(401);
        expect(res.contentType, label).toMatch(/^application\/problem\+json/);
        expect(res.body, label).toMatchObject({ status: 401, code: 'unauthenticated' });
      }
      checked.push(key(route.method, route.url));
    }
    expect(checked.length).toBe(apiRoutes.length - PUBLIC_ROUTES.length);
  });

  it('every route answers 403 to each role below its minimum, and lets each role at or above it through', async () => {
    // signing out ends the session: that route goes last
    const routes = [...apiRoutes].sort((a, b) => Number(a.url.endsWith('/sessions/current') && a.method === 'DELETE') - Number(b.url.endsWith('/sessions/current') && b.method === 'DELETE'));
    const labels = ['instance_admin', ...WORKSPACE_ROLES.map((r) => `A ${r}`), 'A workspace_viewer session', 'A workspace_editor session'];
    let forbidden = 0;
    let runnerRoutes = 0;
    for (const route of routes) {
      const access = routeAccessOf(operationOf.get(key(route.method, toOpenApiPath(route.url))));
      if (access === 'public') continue;
      expect(access, `${route.method} ${route.url} has an access rule`).toBeDefined();
      if (access === 'runner') {
        // no user credential opens a runner route, whatever its role (runner.test.ts tests the runner credential)
        for (const label of labels) {
          const res = await api.request(route.method, route.url.replace(/:\w+/g, '1'), { token: credential(label).token, body: {} });
          expect(res.status, `${route.method} ${route.url} as ${label}: ${res.text}`).toBe(401);
        }
        runnerRoutes++;
        continue;
      }
      // ids that name nothing: the answer is about the role, and nothing is changed
      const path = route.url.replace(/:\w+/g, ANY_ID);
      for (const label of labels) {
        const { token, role } = credential(label);
        const res = await api.request(route.method, path, { token, ...(hasBody(route.method) ? { body: {} } : {}) });
        const what = `${route.method} ${route.url} as ${label} (needs ${access})`;
        if (roleAtLeast(role, access!)) {
          expect([401, 403], `${what}: ${res.text}`).not.toContain(res.status);
        } else {
          expect(res.status, what).toBe(403);
          expect(res.contentType, what).toMatch(/^application\/problem\+json/);
          expect(res.body, what).toMatchObject({ status: 403, code: 'forbidden' });
          forbidden++;
        }
      }
    }
    expect(forbidden).toBeGreaterThan(40);
    expect(runnerRoutes).toBe(5);
  });

  it("a workspace token gets 404 for every resource of another workspace, the same as for one that does not exist", async () => {
    const realId: Record<string, string> = {
      workspaceId: ids.workspaceA,
      sourceId: ids.source,
      destinationId: ids.destination,
      connectionId: ids.connection,
      jobId: ids.job,
      tokenId: ids.tokenA,
      channelId: ids.channel,
      userId: ids.userA,
      attemptNumber: '1',
    };
    let checked = 0;
    for (const route of apiRoutes) {
      const params = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      // definitions are the instance's, shared by every workspace
      if (params.length === 0 || params.includes('definitionId') || PUBLIC_ROUTES.includes(key(route.method, toOpenApiPath(route.url)))) continue;
      const access = routeAccessOf(operationOf.get(key(route.method, toOpenApiPath(route.url))))!;
      // a runner credential names its one attempt (runner.test.ts)
      if (access === 'runner') continue;
      const path = route.url.replace(/:(\w+)/g, (_m, name: string) => realId[name] ?? ANY_ID);
      // a body that passes validation, so the answer is the lookup's
      // (an update must set something: a name is valid for every PATCH)
      const payload = route.url.endsWith('/state')
        ? { stateType: 'stream', state: [] }
        : route.method === 'PATCH' || route.url.endsWith('/triggers')
          ? { name: 'renamed' }
          : {};
      const body = hasBody(route.method) ? { body: payload } : {};
      for (const role of WORKSPACE_ROLES) {
        if (!roleAtLeast(role, access as Role)) continue;
        const what = `${route.method} ${path} as B ${role}`;
        const res = await api.request(route.method, path, { token: credential(`B ${role}`).token, ...body });
        expect(res.status, `${what}: ${res.text}`).toBe(404);
        const missing = await api.request(route.method, route.url.replace(/:(\w+)/g, (_m, name: string) => NOTHING[name] ?? ANY_ID), {
          token: credential(`B ${role}`).token,
          ...body,
        });
        expect(missing.status, `${what} (an id that names nothing)`).toBe(404);
        checked++;
      }
      // the ids are real: A's own admin reads them
      // (the seeded attempt wrote no log: its own admin is told so with a 404, see logs.test.ts)
      if (route.method === 'GET' && !route.url.endsWith('/logs')) {
        const own = await api.request('GET', path, { token: credential('A workspace_admin').token });
        expect(own.status, `GET ${path} as A workspace_admin: ${own.text}`).toBe(200);
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("a workspace token cannot name another workspace's resources in a request body", async () => {
    const token = credential('B workspace_admin').token;
    const attempts: [string, string, unknown, string][] = [
      ['POST', '/api/v1/sources', { workspaceId: ids.workspaceA, definitionId: ids.sourceDefinition, name: 'x', configuration: {} }, '/workspaceId'],
      ['POST', '/api/v1/sources/check', { workspaceId: ids.workspaceA, definitionId: ids.sourceDefinition, configuration: {} }, '/workspaceId'],
      ['POST', '/api/v1/connections', { sourceId: ids.source, destinationId: ids.destination, streams: [] }, '/sourceId'],
      ['POST', '/api/v1/jobs', { connectionId: ids.connection, jobType: 'sync' }, '/connectionId'],
      ['POST', '/api/v1/api-tokens', { name: 'x', role: 'workspace_viewer', workspaceId: ids.workspaceA }, '/workspaceId'],
      ['POST', '/api/v1/notification-channels', { workspaceId: ids.workspaceA, name: 'x', kind: 'slack', url: 'http://127.0.0.1:9/x', events: ['sync.failed'] }, '/workspaceId'],
    ];
    for (const [method, path, body, field] of attempts) {
      const res = await api.request(method, path, { token, body });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(404);
      expect(JSON.stringify(res.body), `${method} ${path}`).toContain(`#${field}`);
    }
  });

  it("lists show a workspace token only its own workspace's resources", async () => {
    const list = async (label: string, path: string) => {
      const res = await api.request('GET', path, { token: credential(label).token });
      expect(res.status, `${path}: ${res.text}`).toBe(200);
      return (res.body as { data: { id: string }[] }).data.map((d) => d.id);
    };
    for (const [path, id] of [
      ['/api/v1/sources', ids.source],
      ['/api/v1/destinations', ids.destination],
      ['/api/v1/connections', ids.connection],
      ['/api/v1/jobs', ids.job],
      ['/api/v1/workspaces', ids.workspaceA],
    ] as const) {
      expect(await list('A workspace_viewer', path), `${path} as A`).toContain(id);
      expect(await list('B workspace_viewer', path), `${path} as B`).not.toContain(id);
      // naming A's workspace in the filter shows nothing either
      if (/sources|destinations|connections/.test(path)) expect(await list('B workspace_viewer', `${path}?workspaceId=${ids.workspaceA}`), path).toEqual([]);
    }
    expect(await list('B workspace_viewer', `/api/v1/jobs?connectionId=${ids.connection}`)).toEqual([]);
    expect(await list('B workspace_viewer', '/api/v1/workspaces')).toEqual([ids.workspaceB]);
    expect(await list('B workspace_admin', '/api/v1/api-tokens')).not.toContain(ids.tokenA);
    expect(await list('A workspace_admin', '/api/v1/api-tokens')).toContain(ids.tokenA);
    expect(await list('instance_admin', '/api/v1/api-tokens')).toContain(ids.tokenA);
    expect(await list('A workspace_admin', '/api/v1/notification-channels')).toContain(ids.channel);
    expect(await list('B workspace_admin', '/api/v1/notification-channels')).not.toContain(ids.channel);
    expect(await list('B workspace_admin', `/api/v1/notification-channels?workspaceId=${ids.workspaceA}`)).toEqual([]);
  });

  it('a token mints tokens of its own role or lower, within its own workspace', async () => {
    const mint = (label: string, body: unknown) => api.request('POST', '/api/v1/api-tokens', { token: credential(label).token, body });
    // a workspace admin mints the workspace roles of its workspace (its own by default)
    const minted = await mint('A workspace_admin', { name: 'ci', role: 'workspace_editor' });
    expect(minted.status, minted.text).toBe(201);
    expect(minted.body).toMatchObject({ role: 'workspace_editor', workspaceId: ids.workspaceA });
    // ... and the new token acts as an editor of A: it creates nothing in the instance's domain
    const editorToken = (minted.body as { token: string }).token;
    expect((await api.request('POST', '/api/v1/workspaces', { token: editorToken, body: { name: 'no' } })).status).toBe(403);
    expect((await api.request('GET', `/api/v1/sources/${ids.source}`, { token: editorToken })).status).toBe(200);

    const above = await mint('A workspace_admin', { name: 'x', role: 'instance_admin' });
    expect(above.status, above.text).toBe(403);
    expect(JSON.stringify(above.body)).toContain('#/role');
    const elsewhere = await mint('A workspace_admin', { name: 'x', role: 'workspace_viewer', workspaceId: ids.workspaceB });
    expect(elsewhere.status, elsewhere.text).toBe(404);
    // only an instance admin mints instance admins; a workspace role needs its workspace
    expect((await mint('instance_admin', { name: 'root 2', role: 'instance_admin' })).status).toBe(201);
    const noWorkspace = await mint('instance_admin', { name: 'x', role: 'workspace_viewer' });
    expect(noWorkspace.status, noWorkspace.text).toBe(400);
    expect(JSON.stringify(noWorkspace.body)).toContain('#/workspaceId');
    expect((await mint('instance_admin', { name: 'x', role: 'superuser' })).status).toBe(400);
    // a workspace admin revokes its workspace's tokens only
    const tokenB = (await api.request('GET', '/api/v1/api-tokens', { token: credential('B workspace_admin').token })).body as { data: { id: string }[] };
    expect((await api.request('DELETE', `/api/v1/api-tokens/${tokenB.data[0]!.id}`, { token: credential('A workspace_admin').token })).status).toBe(404);
  });

  it('health answers without a token', async () => {
    expect((await api.request('GET', '/api/v1/health', { token: null })).status).toBe(200);
  });

  // a deliberate exception: the API's description holds no data, and clients generate from it (README, "What the API does")
  it('the OpenAPI document and Swagger UI are public, and hold no data of the instance', async () => {
    for (const path of ['/api/v1/openapi.json', '/api/v1/openapi.yaml', '/api/docs']) {
      const res = await api.request('GET', path, { token: null });
      expect(res.status, path).toBe(200);
      for (const id of Object.values(ids).filter((v) => v.length > 30)) expect(res.text, path).not.toContain(id);
    }
  });
});
