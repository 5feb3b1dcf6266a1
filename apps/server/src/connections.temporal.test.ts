import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTributaryClient, type TributaryClient } from '@tributary/api-client';
import { ActorCatalogEntity, JobEntity } from '@tributary/db';
import type { AirbyteCatalog } from '@tributary/protocol';
import { Client, Connection } from '@temporalio/client';
import { connectionWorkflowId } from '@tributary/workflows';
import { startTestTemporal, type TestTemporal } from '@tributary/testing';
import { seedDefinition, startApiHarness, type ApiHarness } from '@tributary/testing/server';
import { startAppWithTemporal } from '@tributary/testing/server';

const CATALOG: AirbyteCatalog = {
  streams: [
    {
      name: 'users',
      json_schema: { type: 'object', properties: { id: { type: 'integer' }, updated_at: { type: 'string' }, name: { type: 'string' } } },
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_cursor: true,
      default_cursor_field: ['updated_at'],
      source_defined_primary_key: [['id']],
    },
    {
      name: 'events',
      json_schema: {
        type: 'object',
        properties: { ts: { type: 'string' }, payload: { type: 'object', properties: { kind: { type: 'string' } } } },
      },
      supported_sync_modes: ['full_refresh', 'incremental'],
    },
    { name: 'snapshot', json_schema: { type: 'object', properties: { x: {} } }, supported_sync_modes: ['full_refresh'] },
  ],
};

type ErrorBody = { errors: { pointer: string; detail: string }[] };
/** distinct pointers, in order: one field can break several rules */
const pointers = (body: unknown) => [...new Set((body as ErrorBody).errors.map((e) => e.pointer))];

// an active connection has a workflow: Temporal is real here, but no worker is needed to start or signal one
describe('connections through the HTTP API', () => {
  let temporal: TestTemporal;
  let api: ApiHarness;
  let client: TributaryClient;
  let sourceId: string;
  let destinationId: string;
  let undiscoveredSourceId: string;

  beforeAll(async () => {
    temporal = await startTestTemporal();
    api = await startApiHarness({ temporal: { address: temporal.address, namespace: temporal.namespace, taskQueue: 'connections-test' } });
    client = createTributaryClient({ baseUrl: api.baseUrl, token: api.token });
    const sourceDefinition = await seedDefinition(api.dataSource, 'source', 'source-test', { connectionSpecification: { type: 'object' } });
    const destinationDefinition = await seedDefinition(api.dataSource, 'destination', 'destination-test', {
      connectionSpecification: { type: 'object' },
      supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
    });
    const create = async (kind: 'sources' | 'destinations', definitionId: string, name: string) =>
      (
        (await api.request('POST', `/api/v1/${kind}`, { body: { workspaceId: api.workspaceId, definitionId, name, configuration: {} } }))
          .body as { id: string }
      ).id;
    sourceId = await create('sources', sourceDefinition.id, 'crm');
    undiscoveredSourceId = await create('sources', sourceDefinition.id, 'new');
    destinationId = await create('destinations', destinationDefinition.id, 'warehouse');
    // what a worker's discover leaves behind
    await api.dataSource.getRepository(ActorCatalogEntity).save({
      actorId: sourceId,
      catalog: CATALOG,
      catalogHash: createHash('sha256').update(JSON.stringify(CATALOG)).digest('hex'),
    });
  });
  afterAll(async () => {
    await api?.close();
    await temporal?.stop();
  });

  const create = (body: Record<string, unknown>) =>
    api.request('POST', '/api/v1/connections', { body: { sourceId, destinationId, ...body } });

  it('creates a connection from the discovered catalog with source-defined cursor and key, and reads it back', async () => {
    const { data, error, response } = await client.POST('/api/v1/connections', {
      body: {
        sourceId,
        destinationId,
        streams: [
          { name: 'users', syncMode: 'incremental_dedup' },
          { name: 'events', syncMode: 'incremental_append', cursorField: ['ts'] },
          { name: 'snapshot', syncMode: 'full_refresh_overwrite' },
        ],
        schedule: { scheduleType: 'cron', cronExpression: '0 */6 * * *', timeZone: 'Europe/Paris' },
        namespaceDefinition: 'custom_format',
        namespaceFormat: 'raw_${SOURCE_NAMESPACE}',
        prefix: 'crm_',
        nonBreakingChangesPolicy: 'propagate_columns',
      },
    });
    expect(error, JSON.stringify(error)).toBeUndefined();
    expect(response.status).toBe(201);
    expect(data).toMatchObject({
      name: 'crm → warehouse',
      workspaceId: api.workspaceId,
      status: 'active',
      schedule: { scheduleType: 'cron', cronExpression: '0 */6 * * *', timeZone: 'Europe/Paris' },
      namespaceDefinition: 'custom_format',
      namespaceFormat: 'raw_${SOURCE_NAMESPACE}',
      prefix: 'crm_',
      nonBreakingChangesPolicy: 'propagate_columns',
      streams: [
        { name: 'users', namespace: null, syncMode: 'incremental_dedup', cursorField: ['updated_at'], primaryKey: [['id']] },
        { name: 'events', syncMode: 'incremental_append', cursorField: ['ts'] },
        { name: 'snapshot', syncMode: 'full_refresh_overwrite' },
      ],
    });
    // what the connectors will receive: the full stream from the catalog
    const [row] = (await api.dataSource.query('SELECT configured_catalog, source_catalog_id FROM connection WHERE id = $1', [
      data!.id,
    ])) as [
      { configured_catalog: { streams: { stream: { json_schema: unknown }; destination_sync_mode: string }[] }; source_catalog_id: string },
    ];
    expect(row.configured_catalog.streams[0]).toMatchObject({
      stream: { json_schema: CATALOG.streams[0]!.json_schema },
      destination_sync_mode: 'append_dedup',
    });
    expect(row.source_catalog_id).toBeTruthy();

    expect((await client.GET('/api/v1/connections/{connectionId}', { params: { path: { connectionId: data!.id } } })).data).toEqual(data);
    expect(
      (await client.GET('/api/v1/connections', { params: { query: { workspaceId: api.workspaceId } } })).data?.data.map((c) => c.id),
    ).toContain(data!.id);
  });

  it('lists in creation order, a page at a time, filtered by source, destination and workspace', async () => {
    const streams = [{ name: 'snapshot', syncMode: 'full_refresh_overwrite' }];
    const ids: string[] = [];
    for (const name of ['page-a', 'page-b']) ids.push(((await create({ name, streams })).body as { id: string }).id);
    type Page = { data: { id: string; streams: unknown[] }[]; hasMore: boolean };
    const list = async (query: string) => {
      const res = await api.request('GET', `/api/v1/connections?${query}`);
      expect(res.status, res.text).toBe(200);
      return res.body as Page;
    };
    const all = (await list('limit=100')).data.map((c) => c.id);
    expect(all.slice(-2)).toEqual(ids);
    const last = await list(`limit=1&offset=${all.length - 1}`);
    expect(last).toMatchObject({ data: [{ id: ids[1] }], hasMore: false });
    expect((await list(`limit=1&offset=${all.length - 2}`)).hasMore).toBe(true);
    // the list shows streams like GET does, without the catalog's JSON schemas
    expect(last.data[0]!.streams).toEqual([{ name: 'snapshot', namespace: null, syncMode: 'full_refresh_overwrite' }]);
    expect((await list(`sourceId=${sourceId}&limit=100`)).data.map((c) => c.id)).toEqual(expect.arrayContaining(ids));
    expect((await list(`sourceId=${undiscoveredSourceId}`)).data).toEqual([]);
    expect((await list(`destinationId=${destinationId}&limit=100`)).data.map((c) => c.id)).toEqual(expect.arrayContaining(ids));
    expect((await list(`workspaceId=${randomUUID()}`)).data).toEqual([]);
  });

  it('names each stream field that does not fit the catalog', async () => {
    const res = await create({
      streams: [
        { name: 'nope', syncMode: 'full_refresh_append' },
        { name: 'users', syncMode: 'incremental_append', cursorField: ['name'] },
        { name: 'events', syncMode: 'incremental_dedup' },
        { name: 'snapshot', syncMode: 'incremental_append' },
        { name: 'events', syncMode: 'full_refresh_append', primaryKey: [['missing']] },
      ],
    });
    expect(res.status).toBe(400);
    expect(pointers(res.body)).toEqual([
      '#/streams/0/name',
      '#/streams/1/cursorField',
      '#/streams/2/cursorField',
      '#/streams/2/primaryKey',
      '#/streams/3/syncMode',
      '#/streams/3/cursorField',
      '#/streams/4/name',
    ]);
  });

  it('syncs only the selected fields: reads them back, stores the cut schema and the selection apart from the catalog', async () => {
    const { data, error } = await client.POST('/api/v1/connections', {
      body: {
        sourceId,
        destinationId,
        streams: [
          { name: 'users', syncMode: 'incremental_dedup', selectedFields: [['updated_at'], ['id']] },
          { name: 'events', syncMode: 'incremental_append', cursorField: ['ts'], selectedFields: [['ts']] },
          { name: 'snapshot', syncMode: 'full_refresh_overwrite', selectedFields: [] },
        ],
      },
    });
    expect(error, JSON.stringify(error)).toBeUndefined();
    expect(data!.streams).toEqual([
      {
        name: 'users',
        namespace: null,
        syncMode: 'incremental_dedup',
        cursorField: ['updated_at'],
        primaryKey: [['id']],
        selectedFields: [['updated_at'], ['id']],
      },
      { name: 'events', namespace: null, syncMode: 'incremental_append', cursorField: ['ts'], selectedFields: [['ts']] },
      // empty: every field
      { name: 'snapshot', namespace: null, syncMode: 'full_refresh_overwrite' },
    ]);
    const get = async () =>
      (await client.GET('/api/v1/connections/{connectionId}', { params: { path: { connectionId: data!.id } } })).data!;
    expect(await get()).toEqual(data);

    type Row = { configured_catalog: { streams: { stream: { json_schema: unknown } }[] }; field_selection: unknown };
    const row = async () =>
      ((await api.dataSource.query('SELECT configured_catalog, field_selection FROM connection WHERE id = $1', [data!.id])) as [Row])[0];
    const stored = await row();
    // what the connectors get: the selected fields only, in the schema's order, and nothing of the platform's own
    expect(stored.configured_catalog.streams.map((s) => s.stream.json_schema)).toEqual([
      { type: 'object', properties: { id: { type: 'integer' }, updated_at: { type: 'string' } } },
      { type: 'object', properties: { ts: { type: 'string' } } },
      CATALOG.streams[2]!.json_schema,
    ]);
    expect(JSON.stringify(stored.configured_catalog)).not.toMatch(/selected/i);
    expect(stored.field_selection).toEqual([
      { stream: { name: 'users' }, fields: ['updated_at', 'id'] },
      { stream: { name: 'events' }, fields: ['ts'] },
    ]);

    // an update that does not touch the streams keeps the selection
    expect(
      (await client.PATCH('/api/v1/connections/{connectionId}', { params: { path: { connectionId: data!.id } }, body: { prefix: 'x_' } }))
        .data!.streams,
    ).toEqual(data!.streams);
    // a new stream list replaces it: a stream that neither reads incrementally nor dedups may leave its cursor and key out
    const patched = await client.PATCH('/api/v1/connections/{connectionId}', {
      params: { path: { connectionId: data!.id } },
      body: {
        streams: [
          { name: 'users', syncMode: 'full_refresh_append', selectedFields: [['name']] },
          { name: 'events', syncMode: 'incremental_append', cursorField: ['ts'] },
        ],
      },
    });
    expect(patched.error, JSON.stringify(patched.error)).toBeUndefined();
    expect(patched.data!.streams.map((s) => s.selectedFields)).toEqual([[['name']], undefined]);
    expect(await get()).toEqual(patched.data);
    const after = await row();
    expect(after.configured_catalog.streams.map((s) => s.stream.json_schema)).toEqual([
      { type: 'object', properties: { name: { type: 'string' } } },
      CATALOG.streams[1]!.json_schema,
    ]);
    expect(after.field_selection).toEqual([{ stream: { name: 'users' }, fields: ['name'] }]);
  });

  it('names each selected field that does not fit: unknown, nested, twice, or leaving out the cursor or key in use', async () => {
    const res = await create({
      streams: [
        { name: 'users', syncMode: 'incremental_dedup', selectedFields: [['name']] },
        {
          name: 'events',
          syncMode: 'incremental_append',
          cursorField: ['ts'],
          selectedFields: [['payload', 'kind'], ['nope'], ['ts'], ['ts']],
        },
        { name: 'snapshot', syncMode: 'full_refresh_overwrite', selectedFields: ['x'] },
      ],
    });
    expect(res.status).toBe(400);
    expect(pointers(res.body)).toEqual([
      '#/streams/0/selectedFields',
      '#/streams/1/selectedFields/0',
      '#/streams/1/selectedFields/1',
      '#/streams/1/selectedFields/3',
      '#/streams/2/selectedFields',
    ]);
    const details = (res.body as ErrorBody).errors.map((e) => `${e.pointer}: ${e.detail}`);
    expect(details).toEqual([
      '#/streams/0/selectedFields: must include the cursor field updated_at',
      '#/streams/0/selectedFields: must include the primary key field id',
      '#/streams/1/selectedFields/0: nested fields cannot be selected (payload.kind): select the top-level field ["payload"]',
      '#/streams/1/selectedFields/1: nope is not a top-level field of the stream (fields: ts, payload)',
      '#/streams/1/selectedFields/3: ts is selected twice',
      '#/streams/2/selectedFields: must be a list of field paths, e.g. [["id"], ["email"]]',
    ]);
  });

  it('validates schedule, namespace and enums, naming the fields', async () => {
    const badCron = await create({
      streams: [],
      schedule: { scheduleType: 'cron', cronExpression: 'every tuesday', timeZone: 'Mars/Olympus' },
    });
    expect(badCron.status).toBe(400);
    expect(pointers(badCron.body).sort()).toEqual(['#/schedule/cronExpression', '#/schedule/timeZone']);

    const never = await create({ streams: [], schedule: { scheduleType: 'cron', cronExpression: '0 0 30 2 *' } });
    expect(never.status).toBe(400);
    expect(never.body).toMatchObject({ errors: [{ pointer: '#/schedule/cronExpression', detail: 'never fires' }] });

    const badBasic = await create({ streams: [], schedule: { scheduleType: 'basic', units: 0, timeUnit: 'weeks' } });
    expect(pointers(badBasic.body).sort()).toEqual(['#/schedule/timeUnit', '#/schedule/units']);

    const badEnums = await create({
      streams: [{ name: 'users', syncMode: 'sometimes' }],
      status: 'paused',
      namespaceDefinition: 'custom_format',
    });
    expect(pointers(badEnums.body).sort()).toEqual(['#/namespaceFormat', '#/status', '#/streams/0/syncMode']);
  });

  it('refuses a source that was never discovered (409) and actors of the wrong kind or workspace', async () => {
    const undiscovered = await api.request('POST', '/api/v1/connections', {
      body: { sourceId: undiscoveredSourceId, destinationId, streams: [] },
    });
    expect(undiscovered.status).toBe(409);
    const swapped = await api.request('POST', '/api/v1/connections', {
      body: { sourceId: destinationId, destinationId: sourceId, streams: [] },
    });
    expect(swapped.status).toBe(404);
    expect(pointers(swapped.body)).toEqual(['#/sourceId']);
  });

  it('updates streams, schedule and status; keeps what is not sent', async () => {
    const created = (await create({ streams: [{ name: 'snapshot', syncMode: 'full_refresh_overwrite' }], prefix: 'p_' })).body as {
      id: string;
    };
    const { data } = await client.PATCH('/api/v1/connections/{connectionId}', {
      params: { path: { connectionId: created.id } },
      body: {
        streams: [{ name: 'users', syncMode: 'full_refresh_append' }],
        schedule: { scheduleType: 'basic', units: 2, timeUnit: 'hours' },
        status: 'inactive',
      },
    });
    expect(data).toMatchObject({
      prefix: 'p_',
      status: 'inactive',
      schedule: { scheduleType: 'basic', units: 2, timeUnit: 'hours' },
      streams: [{ name: 'users', syncMode: 'full_refresh_append', primaryKey: [['id']] }],
    });
  });

  it('reads are never stale, whoever changes the row: the API, another writer in plain SQL, a delete', async () => {
    const { id } = (
      await create({
        name: 'fresh',
        streams: [
          { name: 'snapshot', syncMode: 'full_refresh_overwrite' },
          { name: 'users', syncMode: 'full_refresh_append' },
        ],
      })
    ).body as { id: string };
    type Connection = { id: string; name: string; status: string; statusReason: string | null; streams: { name: string }[] };
    const read = async () => {
      const one = await api.request('GET', `/api/v1/connections/${id}`);
      const page = (await api.request('GET', `/api/v1/connections?sourceId=${sourceId}&limit=1000`)).body as { data: Connection[] };
      const listed = page.data.find((c) => c.id === id);
      if (one.status === 200) expect(listed).toEqual(one.body);
      return one.status === 200 ? (one.body as Connection) : listed;
    };
    expect(await read()).toMatchObject({ name: 'fresh', status: 'active' });
    expect(await read()).toMatchObject({ name: 'fresh', status: 'active' }); // served again, from what the first read cached

    expect((await api.request('PATCH', `/api/v1/connections/${id}`, { body: { name: 'renamed' } })).status).toBe(200);
    expect(await read()).toMatchObject({ name: 'renamed' });

    // as the worker disables a connection on a breaking schema change: no ORM, updated_at untouched
    await api.dataSource.query(`UPDATE connection SET status = 'inactive', status_reason = 'cursor removed' WHERE id = $1`, [id]);
    expect(await read()).toMatchObject({ name: 'renamed', status: 'inactive', statusReason: 'cursor removed' });
    await api.dataSource.query(
      `UPDATE connection SET configured_catalog = jsonb_set(configured_catalog, '{streams}', (configured_catalog -> 'streams') - 0) WHERE id = $1`,
      [id],
    );
    expect((await read())!.streams.map((s) => s.name)).toEqual(['users']);

    await api.dataSource.query(`DELETE FROM connection WHERE id = $1`, [id]);
    expect(await read()).toBeUndefined();
    expect((await api.request('GET', `/api/v1/connections/${id}`)).status).toBe(404);
  });

  it('does not delete a connection while a job runs, then deletes it with its history; sources in use are kept', async () => {
    const { id } = (await create({ streams: [{ name: 'snapshot', syncMode: 'full_refresh_overwrite' }] })).body as { id: string };
    expect((await api.request('DELETE', `/api/v1/sources/${sourceId}`)).status).toBe(409);
    const job = await api.dataSource
      .getRepository(JobEntity)
      .save({ connectionId: id, jobType: 'sync', status: 'running', streams: null, configSnapshot: {} });
    const refused = await api.request('DELETE', `/api/v1/connections/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ detail: expect.stringContaining(`job ${job.id}`) });
    await api.dataSource.getRepository(JobEntity).update({ id: job.id }, { status: 'succeeded' });
    expect((await api.request('DELETE', `/api/v1/connections/${id}`)).status).toBe(204);
    expect((await api.request('GET', `/api/v1/connections/${id}`)).status).toBe(404);
    expect(await api.dataSource.getRepository(JobEntity).countBy({ connectionId: id })).toBe(0);
  });

  it('does not delete a connection whose job is being created at that moment (the job would vanish under its workflow)', async () => {
    const { id } = (await create({ streams: [{ name: 'snapshot', syncMode: 'full_refresh_overwrite' }] })).body as { id: string };
    // a job being created: the connection row locked, the job inserted, not yet committed
    const creating = await api.dataSource.createQueryRunner();
    await creating.connect();
    await creating.startTransaction();
    try {
      await creating.query(`SELECT id FROM connection WHERE id = $1 FOR UPDATE`, [id]);
      const [{ id: jobId }] = (await creating.query(
        `INSERT INTO job (connection_id, job_type, status, config_snapshot) VALUES ($1, 'sync', 'running', '{}'::jsonb) RETURNING id::text AS id`,
        [id],
      )) as [{ id: string }];
      const deleting = api.request('DELETE', `/api/v1/connections/${id}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await creating.commitTransaction();
      const refused = await deleting;
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ detail: expect.stringContaining(`job ${jobId}`) });
      expect(await api.dataSource.getRepository(JobEntity).countBy({ connectionId: id })).toBe(1);
      await api.dataSource.getRepository(JobEntity).update({ id: jobId }, { status: 'succeeded' });
    } finally {
      if (creating.isTransactionActive) await creating.rollbackTransaction();
      await creating.release();
    }
  });

  it('keeps a connection created while Temporal is down, answers 503 saying so, and starts its workflow on the next update', async () => {
    // nothing listens on port 1
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const down = await startAppWithTemporal(api, { client: unreachable, taskQueue: 'connections-test', rpcTimeoutMs: 500 });
    let id: string;
    try {
      const res = await down.request('POST', '/api/v1/connections', {
        sourceId,
        destinationId,
        streams: [{ name: 'snapshot', syncMode: 'full_refresh_overwrite' }],
      });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        code: 'workflow_call_failed',
        detail: expect.stringMatching(/was created, but its workflow could not be started.*The change is saved/),
      });
      id = (res.body as { connectionId: string }).connectionId;
      expect((await api.request('GET', `/api/v1/connections/${id}`)).status).toBe(200);
    } finally {
      await down.close();
      await unreachable.connection.close();
    }
    const describe = () => api.temporalClient.workflow.getHandle(connectionWorkflowId(id)).describe();
    await expect(describe()).rejects.toThrow(/not found/i);
    expect((await api.request('PATCH', `/api/v1/connections/${id}`, { body: { prefix: 'late_' } })).status).toBe(200);
    expect((await describe()).status.name).toBe('RUNNING');
  });
});
