// spec, check and discover through the API: a real Temporal dev server and a real worker
// process (node apps/worker/dist/main.js) running the builtin connectors.
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorCatalogEntity, ActorDefinitionEntity } from '@tributary/db';
import { WORKFLOW_TYPES } from '@tributary/workflows';
import type { TestTemporal } from '@tributary/testing';
import { seedDefinition, type ApiHarness, type ApiResponse } from '@tributary/testing/server';
import { startServerWithWorker, type ServerWithWorker } from '@tributary/testing/server';
import { startAppWithTemporal } from '@tributary/testing/server';
import { startWorkerProcess } from '@tributary/testing/server';
import { fixturePath } from '@tributary/testing';

type Problem = {
  status: number;
  code: string;
  detail: string;
  errors?: { pointer: string }[];
  failure?: { origin: string; type: string; message: string };
};
const idOf = (res: ApiResponse) => (res.body as { id: string }).id;

/** Every text payload in a workflow's history (inputs, results), decoded. */
function payloadText(value: unknown, into: string[] = []): string[] {
  if (value instanceof Uint8Array) into.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) value.forEach((v) => payloadText(v, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => payloadText(v, into));
  return into;
}

describe('connector commands through Temporal and a worker', () => {
  let stack: ServerWithWorker | undefined;
  let temporal: TestTemporal;
  let api: ApiHarness;
  let taskQueue: string;
  let outputDir: string;
  const definitions: Record<'sample' | 'devNull' | 'jsonl', string> = { sample: '', devNull: '', jsonl: '' };

  beforeAll(async () => {
    stack = await startServerWithWorker('server-commands');
    ({ temporal, api, taskQueue } = stack);
    // as the bootloader seeds them: builtin runtimes, no spec until a worker has run one
    definitions.sample = (await seedDefinition(api.dataSource, 'source', 'source-sample', null)).id;
    definitions.devNull = (await seedDefinition(api.dataSource, 'destination', 'destination-dev-null', null)).id;
    definitions.jsonl = (await seedDefinition(api.dataSource, 'destination', 'destination-jsonl', null)).id;
    outputDir = await mkdtemp(join(tmpdir(), 'tributary-jsonl-'));
    // destination-jsonl runs as the connector user (nobody, under a root worker): it must be able to write here
    await chmod(outputDir, 0o777);
  });
  afterAll(async () => {
    await stack?.stop();
    if (outputDir) await rm(outputDir, { recursive: true, force: true });
  });

  const createActor = (kind: 'sources' | 'destinations', definitionId: string, configuration: Record<string, unknown>) =>
    api.request('POST', `/api/v1/${kind}`, {
      body: { workspaceId: api.workspaceId, definitionId, name: `${kind}-${randomUUID()}`, configuration },
    });

  it('runs spec on a worker the first time, caches it in the definition, then serves the cached one', async () => {
    const first = await api.request('GET', `/api/v1/source-definitions/${definitions.sample}/specification`);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({
      definitionId: definitions.sample,
      connectionSpecification: { title: 'Sample Source Spec' },
      supportsIncremental: true,
    });
    const row = await api.dataSource.getRepository(ActorDefinitionEntity).findOneByOrFail({ id: definitions.sample });
    expect(row.spec?.connectionSpecification).toMatchObject({ title: 'Sample Source Spec' });
    expect((await api.request('GET', `/api/v1/source-definitions/${definitions.sample}`)).body).toMatchObject({ specAvailable: true });

    // the cached row is what is served now: change it and the answer follows, no connector runs
    const marked = { ...row.spec!, connectionSpecification: { ...row.spec!.connectionSpecification, title: 'cached copy' } };
    await api.dataSource.getRepository(ActorDefinitionEntity).save({ ...row, spec: marked });
    const second = await api.request('GET', `/api/v1/source-definitions/${definitions.sample}/specification`);
    expect(second.body).toMatchObject({ connectionSpecification: { title: 'cached copy' } });

    const destination = await api.request('GET', `/api/v1/destination-definitions/${definitions.jsonl}/specification`);
    expect(destination.body).toMatchObject({
      supportedDestinationSyncModes: ['overwrite', 'append'],
      // a local directory or an S3 bucket (destination_path is for the first)
      connectionSpecification: { properties: { destination_path: { type: 'string' }, storage: { oneOf: expect.any(Array) } } },
    });
  });

  it('checks saved sources and destinations: succeeded, or failed with the connector message (200 either way)', async () => {
    // creating fetches the spec of a definition not run yet (dev-null) on the way
    const source = await createActor('sources', definitions.sample, { count: 10 });
    expect(source.status, source.text).toBe(201);
    expect(await api.request('POST', `/api/v1/sources/${idOf(source)}/check`)).toMatchObject({
      status: 200,
      body: { status: 'succeeded', message: null },
    });

    const devNull = await createActor('destinations', definitions.devNull, {});
    expect(devNull.status, devNull.text).toBe(201);
    expect((await api.request('POST', `/api/v1/destinations/${idOf(devNull)}/check`, { body: {} })).body).toEqual({
      status: 'succeeded',
      message: null,
    });

    // valid for the spec (a string), refused by the connector (not absolute)
    const relative = await createActor('destinations', definitions.jsonl, { destination_path: 'exports/here' });
    expect(relative.status, relative.text).toBe(201);
    const failed = await api.request('POST', `/api/v1/destinations/${idOf(relative)}/check`);
    expect(failed.status).toBe(200);
    expect(failed.body).toEqual({ status: 'failed', message: expect.stringContaining('must be an absolute path') });

    // an edited configuration is checked without being saved
    const edited = await api.request('POST', `/api/v1/destinations/${idOf(relative)}/check`, {
      body: { configuration: { destination_path: outputDir } },
    });
    expect(edited.body).toEqual({ status: 'succeeded', message: null });
    expect((await api.request('GET', `/api/v1/destinations/${idOf(relative)}`)).body).toMatchObject({
      configuration: { destination_path: 'exports/here' },
    });

    expect((await api.request('POST', `/api/v1/sources/${randomUUID()}/check`)).status).toBe(404);
    // a destination is not a source
    expect((await api.request('POST', `/api/v1/sources/${idOf(devNull)}/check`)).status).toBe(404);
  });

  it('checks a configuration before saving it: 422 naming the field the spec refuses, else the connector verdict', async () => {
    const bad = await api.request('POST', '/api/v1/sources/check', {
      body: { definitionId: definitions.sample, configuration: { count: 'many' } },
    });
    expect(bad.status).toBe(422);
    expect((bad.body as Problem).errors?.map((e) => e.pointer)).toEqual(['#/configuration/count']);

    const wrongType = await api.request('POST', '/api/v1/destinations/check', {
      body: { definitionId: definitions.jsonl, configuration: { destination_path: 42 } },
    });
    expect(wrongType.status).toBe(422);
    expect((wrongType.body as Problem).errors?.map((e) => e.pointer)).toEqual(['#/configuration/destination_path']);

    const good = await api.request('POST', '/api/v1/sources/check', {
      body: { definitionId: definitions.sample, workspaceId: api.workspaceId, configuration: { count: 5 } },
    });
    expect(good).toMatchObject({ status: 200, body: { status: 'succeeded' } });
    const refused = await api.request('POST', '/api/v1/destinations/check', {
      body: { definitionId: definitions.jsonl, configuration: { destination_path: 'rel' } },
    });
    expect(refused).toMatchObject({ status: 200, body: { status: 'failed', message: expect.stringContaining('absolute') } });

    const unknownWorkspace = await api.request('POST', '/api/v1/sources/check', {
      body: { definitionId: definitions.sample, workspaceId: randomUUID(), configuration: {} },
    });
    expect(unknownWorkspace.status).toBe(404);
    expect((unknownWorkspace.body as Problem).errors?.map((e) => e.pointer)).toEqual(['#/workspaceId']);
    const wrongKind = await api.request('POST', '/api/v1/sources/check', { body: { definitionId: definitions.jsonl, configuration: {} } });
    expect(wrongKind.status).toBe(404);
    expect((wrongKind.body as Problem).errors?.map((e) => e.pointer)).toEqual(['#/definitionId']);
  });

  it('saves only what the connector accepts when asked to check first (?check=true); without it, saves unchecked', async () => {
    const name = `checked-${randomUUID()}`;
    const create = (path: string, query = '?check=true') =>
      api.request('POST', `/api/v1/destinations${query}`, {
        body: { workspaceId: api.workspaceId, definitionId: definitions.jsonl, name, configuration: { destination_path: path } },
      });
    const refused = await create('not/absolute');
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body).toMatchObject({ code: 'check_failed', detail: expect.stringContaining('must be an absolute path') });
    expect(await api.dataSource.query(`SELECT id FROM actor WHERE name = $1`, [name])).toEqual([]);

    const accepted = await create(outputDir);
    expect(accepted.status, accepted.text).toBe(201);
    const id = idOf(accepted);
    const update = await api.request('PATCH', `/api/v1/destinations/${id}?check=true`, { body: { configuration: { destination_path: 'relative/again' } } });
    expect(update.status, update.text).toBe(422);
    expect((await api.request('GET', `/api/v1/destinations/${id}`)).body).toMatchObject({ configuration: { destination_path: outputDir } });
    // a rename alone has nothing to check
    expect((await api.request('PATCH', `/api/v1/destinations/${id}?check=true`, { body: { name: `${name}-renamed` } })).status).toBe(200);

    // the default saves without running the connector (config-as-code, a source that is down for now)
    expect((await api.request('POST', '/api/v1/destinations', { body: { workspaceId: api.workspaceId, definitionId: definitions.jsonl, name: `${name}-unchecked`, configuration: { destination_path: 'not/absolute' } } })).status).toBe(201);
    expect((await create(outputDir, '?check=maybe')).status).toBe(400);
  });

  it('keeps connector configs sealed in the workflow history', async () => {
    const planted = `planted-${randomUUID()}`;
    const res = await api.request('POST', '/api/v1/sources/check', {
      body: { definitionId: definitions.sample, configuration: { count: 3, note: planted } },
    });
    expect(res.body).toMatchObject({ status: 'succeeded' });
    const histories: string[] = [];
    for await (const execution of api.temporalClient.workflow.list({ query: `WorkflowType = '${WORKFLOW_TYPES.connectorCommand}'` })) {
      histories.push(payloadText(await api.temporalClient.workflow.getHandle(execution.workflowId).fetchHistory()).join('\n'));
    }
    const all = histories.join('\n');
    expect(all).toContain('"sealed"');
    expect(all).toContain('"command":"check"');
    expect(all).not.toContain(planted);
  });

  it('discovers once, then serves the stored catalog until refresh=true asks the source again', async () => {
    const source = await createActor('sources', definitions.sample, { count: 10, streams: ['users', 'products'] });
    const sourceId = idOf(source);
    const catalogs = api.dataSource.getRepository(ActorCatalogEntity);

    const first = await api.request('POST', `/api/v1/sources/${sourceId}/discover`);
    expect(first.status, first.text).toBe(200);
    const firstBody = first.body as {
      catalogId: string;
      cached: boolean;
      streams: { name: string; supportedSyncModes: string[]; sourceDefinedPrimaryKey: string[][] }[];
    };
    expect(firstBody).toMatchObject({ sourceId, cached: false });
    expect(firstBody.streams.map((s) => s.name)).toEqual(['users', 'products']);
    expect(firstBody.streams[0]).toMatchObject({ supportedSyncModes: ['full_refresh', 'incremental'], sourceDefinedPrimaryKey: [['id']] });
    expect(await catalogs.countBy({ actorId: sourceId })).toBe(1);

    const cached = await api.request('POST', `/api/v1/sources/${sourceId}/discover?refresh=false`);
    expect(cached.body).toMatchObject({ catalogId: firstBody.catalogId, cached: true });

    // the same catalog again: discover runs, no new row
    const same = await api.request('POST', `/api/v1/sources/${sourceId}/discover?refresh=true`);
    expect(same.body).toMatchObject({ catalogId: firstBody.catalogId, cached: false });

    await api.request('PATCH', `/api/v1/sources/${sourceId}`, { body: { configuration: { count: 10, streams: ['users'] } } });
    expect(((await api.request('POST', `/api/v1/sources/${sourceId}/discover`)).body as { catalogId: string }).catalogId).toBe(
      firstBody.catalogId,
    );
    const refreshed = await api.request('POST', `/api/v1/sources/${sourceId}/discover?refresh=true`);
    const refreshedBody = refreshed.body as { catalogId: string; cached: boolean; streams: { name: string }[] };
    expect(refreshedBody.cached).toBe(false);
    expect(refreshedBody.catalogId).not.toBe(firstBody.catalogId);
    expect(refreshedBody.streams.map((s) => s.name)).toEqual(['users']);
    expect(await catalogs.countBy({ actorId: sourceId })).toBe(2);

    const badFlag = await api.request('POST', `/api/v1/sources/${sourceId}/discover?refresh=yes`);
    expect(badFlag.status).toBe(400);
  });

  it('discovers a catalog larger than a Temporal payload may be: the worker stores it, the API answers it whole', async () => {
    const definition = await api.dataSource.getRepository(ActorDefinitionEntity).save({
      actorType: 'source',
      name: `source-wide-${randomUUID().slice(0, 8)}`,
      runtime: {
        kind: 'command',
        command: process.execPath,
        args: [fixturePath('fake-connector.mjs')],
      },
      version: 'dev',
      image: null,
      defaultVersion: null,
      documentationUrl: null,
      spec: null,
      custom: true,
    });
    const sourceId = idOf(await createActor('sources', definition.id, { wideTables: 4000 }));
    const discovered = await api.request('POST', `/api/v1/sources/${sourceId}/discover`);
    expect(discovered.status, discovered.text.slice(0, 2000)).toBe(200);
    // well over the 2 MB a Temporal payload may hold
    expect(discovered.text.length).toBeGreaterThan(4 * 1024 * 1024);
    const body = discovered.body as { catalogId: string; streams: { name: string; jsonSchema: { properties: object } }[] };
    expect(body.streams).toHaveLength(4000);
    expect(body.streams[3999]).toMatchObject({ name: 'table_3999' });
    expect(Object.keys(body.streams[3999]!.jsonSchema.properties)).toHaveLength(31);
    const stored = await api.dataSource.getRepository(ActorCatalogEntity).findOneByOrFail({ id: body.catalogId });
    expect(stored.actorId).toBe(sourceId);
    expect(stored.catalog.streams).toHaveLength(4000);
  });

  it('answers 502 naming the connector when it cannot run, charged to the source or the destination', async () => {
    const broken = (actorType: 'source' | 'destination') =>
      api.dataSource.getRepository(ActorDefinitionEntity).save({
        actorType,
        name: `${actorType}-broken-${randomUUID().slice(0, 8)}`,
        runtime: { kind: 'command', command: '/nonexistent/connector' },
        version: 'dev',
        image: null,
        documentationUrl: null,
        spec: null,
        custom: true,
      });
    const source = await api.request('GET', `/api/v1/source-definitions/${(await broken('source')).id}/specification`);
    expect(source.status).toBe(502);
    expect(source.body).toMatchObject({ code: 'connector_failed', failure: { origin: 'source', type: 'system_error' } });
    const destination = await api.request('GET', `/api/v1/destination-definitions/${(await broken('destination')).id}/specification`);
    expect(destination.status).toBe(502);
    expect(destination.body).toMatchObject({ code: 'connector_failed', failure: { origin: 'destination' } });
    expect((destination.body as Problem).detail).toContain('/nonexistent/connector');
  });

  it('answers 503 when no worker polls the task queue, without starting anything', async () => {
    const lonelyQueue = `nobody-polls-${randomUUID()}`;
    const app = await startAppWithTemporal(api, { taskQueue: lonelyQueue });
    try {
      const source = await createActor('sources', definitions.sample, { count: 1 });
      const res = await app.request('POST', `/api/v1/sources/${idOf(source)}/check`);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        code: 'worker_unavailable',
        detail: expect.stringContaining(`no Tributary worker is polling task queue ${lonelyQueue}`),
      });
      const unseeded = await seedDefinition(api.dataSource, 'source', `source-unrun-${randomUUID().slice(0, 8)}`, null);
      expect((await app.request('GET', `/api/v1/source-definitions/${unseeded.id}/specification`)).status).toBe(503);
      const started = [];
      for await (const execution of api.temporalClient.workflow.list({ query: `TaskQueue = '${lonelyQueue}'` }))
        started.push(execution.workflowId);
      expect(started).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('answers 502 naming the key when the worker cannot open the config, sealed or stored (server and worker keys differ)', async () => {
    const otherQueue = `server-commands-other-key-${randomUUID()}`;
    const stranger = await startWorkerProcess({
      temporal,
      taskQueue: otherQueue,
      databaseUrl: api.databaseUrl,
      secretKey: randomBytes(32),
      client: api.temporalClient,
      storageDir: api.storage.rootDir,
    });
    const app = await startAppWithTemporal(api, { taskQueue: otherQueue });
    try {
      // a config not saved yet travels sealed with the server's key
      const unsaved = await app.request('POST', '/api/v1/sources/check', { definitionId: definitions.sample, configuration: { count: 1 } });
      expect(unsaved.status).toBe(502);
      expect(unsaved.body).toMatchObject({ code: 'worker_failed', detail: expect.stringContaining('TRIBUTARY_SECRET_KEY') });

      // a saved one travels by id: the worker cannot decrypt its stored secret
      const withSecret = await api.dataSource.getRepository(ActorDefinitionEntity).save({
        actorType: 'source',
        name: `source-with-secret-${randomUUID().slice(0, 8)}`,
        runtime: { kind: 'builtin', name: 'source-sample' },
        version: 'dev',
        image: null,
        defaultVersion: null,
        documentationUrl: null,
        spec: { connectionSpecification: { type: 'object', properties: { token: { type: 'string', airbyte_secret: true } } } },
        custom: true,
      });
      const source = await createActor('sources', withSecret.id, { token: 'stored-secret-value' });
      const saved = await app.request('POST', `/api/v1/sources/${idOf(source)}/check`);
      expect(saved.status).toBe(502);
      expect(saved.body).toMatchObject({ code: 'worker_failed', detail: expect.stringContaining('TRIBUTARY_SECRET_KEY') });
    } finally {
      await app.close();
      await stranger.stop();
    }
  });

  it('answers 504 when the connector does not answer in time', async () => {
    const app = await startAppWithTemporal(api, { taskQueue, connectorCommandTimeoutMs: 2_000 });
    try {
      const sleeper = await api.dataSource.getRepository(ActorDefinitionEntity).save({
        actorType: 'source',
        name: `source-sleeper-${randomUUID().slice(0, 8)}`,
        // `bash -c 'sleep 60' -- spec`: a connector that never answers
        runtime: { kind: 'command', command: 'bash', args: ['-c', 'sleep 60', '--'] },
        version: 'dev',
        image: null,
        documentationUrl: null,
        spec: null,
        custom: true,
      });
      const started = Date.now();
      const res = await app.request('GET', `/api/v1/source-definitions/${sleeper.id}/specification`);
      expect(res.status).toBe(504);
      expect(res.body).toMatchObject({ code: 'connector_timeout', detail: expect.stringContaining('did not answer within 2 s') });
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await app.close();
    }
  });
});
