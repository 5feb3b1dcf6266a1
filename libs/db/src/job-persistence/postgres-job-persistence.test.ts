// PostgresJobPersistence on a real, migrated PostgreSQL database.
import { DomainError, ErrorCode, streamDescriptorKey } from '@tributary/domain';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import type { AirbyteCatalog, AirbyteStateMessage, ConfiguredAirbyteCatalog, ConnectorSpecification } from '@tributary/protocol';
import type { ReplicationProgress, ReplicationTotals } from '@tributary/replication';
import type { AttemptOutcome, JobRequest } from '@tributary/workflows';
import { createDataSource } from '../data-source.js';
import {
  ActorCatalogEntity,
  ActorDefinitionEntity,
  ActorEntity,
  AttemptEntity,
  ConnectionEntity,
  ConnectionStateEntity,
  JobEntity,
  NotificationChannelEntity,
  NotificationDeliveryEntity,
} from '../entities/index.js';
import { createMigratedDatabase, type MigratedDatabase } from '@tributary/testing/db';
import type { NotificationEvent } from '@tributary/domain';
import type { CloudEvent } from '../notifications/outbox.js';
import { seedConnection, type SeedConnectionOptions } from '@tributary/testing/db';
import type { JobConfigSnapshot } from './job-snapshot.js';
import { PostgresJobPersistence } from './postgres-job-persistence.js';

const key = randomBytes(32);

function stream(
  name: string,
  destinationSyncMode: 'append' | 'overwrite' = 'append',
  generation?: number,
): ConfiguredAirbyteCatalog['streams'][number] {
  return {
    stream: { name, json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh', 'incremental'] },
    sync_mode: destinationSyncMode === 'overwrite' ? 'full_refresh' : 'incremental',
    destination_sync_mode: destinationSyncMode,
    ...(generation === undefined ? {} : { generation_id: generation }),
  };
}

const streamState = (name: string, offset: number): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: { offset } },
});

const globalState = (names: string[]): AirbyteStateMessage => ({
  type: 'GLOBAL',
  global: {
    shared_state: { lsn: 42 },
    stream_states: names.map((name) => ({ stream_descriptor: { name }, stream_state: { done: true } })),
  },
});

const totals = (recordsCommitted: number, recordsEmitted = recordsCommitted): ReplicationTotals => ({
  recordsEmitted,
  bytesEmitted: recordsEmitted * 10,
  recordsCommitted,
  bytesCommitted: recordsCommitted * 10,
  stateMessagesEmitted: 1,
  stateMessagesCommitted: 1,
  sourceBytesRead: recordsEmitted * 12,
  invalidMessages: 0,
});

const progress = (recordsCommitted: number, recordsEmitted: number): ReplicationProgress => ({
  ...totals(recordsCommitted, recordsEmitted),
  elapsedMs: 1000,
  recordsPerSecond: recordsEmitted,
  bytesPerSecond: recordsEmitted * 10,
  done: false,
  streams: [{ name: 'users', recordsEmitted, bytesEmitted: recordsEmitted * 10, recordsCommitted, bytesCommitted: recordsCommitted * 10 }],
});

const outcome = (status: AttemptOutcome['status'], records: number): AttemptOutcome => ({
  status,
  failures: status === 'failed' ? [{ origin: 'source', type: 'system_error', message: 'boom', timestamp: 1_700_000_000_000 }] : [],
  streamStats: [
    { name: 'users', recordsEmitted: records, bytesEmitted: records * 10, recordsCommitted: records, bytesCommitted: records * 10 },
  ],
  recordsEmitted: records,
  bytesEmitted: records * 10,
  recordsCommitted: records,
  bytesCommitted: records * 10,
});

const sourceSpec: ConnectorSpecification = {
  connectionSpecification: {
    type: 'object',
    properties: { count: { type: 'integer' }, api_key: { type: 'string', airbyte_secret: true } },
  },
};
const destinationSpec: ConnectorSpecification = {
  connectionSpecification: {
    type: 'object',
    properties: {
      host: { type: 'string' },
      credentials: {
        type: 'object',
        oneOf: [{ properties: { method: { const: 'password' }, password: { type: 'string', airbyte_secret: true } } }],
      },
    },
  },
};

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('PostgresJobPersistence', () => {
  let database: MigratedDatabase;
  let dataSource: DataSource;
  let persistence: PostgresJobPersistence;

  beforeAll(async () => {
    database = await createMigratedDatabase('job_persistence');
    dataSource = database.dataSource;
    persistence = new PostgresJobPersistence(dataSource, key);
  });
  afterAll(() => database?.close());

  function seed(catalog: ConfiguredAirbyteCatalog, options: Partial<SeedConnectionOptions> = {}) {
    return seedConnection(dataSource, key, {
      source: { runtime: { kind: 'builtin', name: 'source-sample' }, config: { count: 10 } },
      destination: { runtime: { kind: 'builtin', name: 'destination-dev-null' }, config: {} },
      catalog,
      ...options,
    });
  }

  const job = (jobId: string) => dataSource.getRepository(JobEntity).findOneByOrFail({ id: jobId });
  const snapshotOf = async (jobId: string) =>
    (
      await dataSource
        .getRepository(JobEntity)
        .findOneOrFail({ where: { id: jobId }, select: { id: true, configSnapshot: true } })
    ).configSnapshot as unknown as JobConfigSnapshot;
  const connection = (id: string) => dataSource.getRepository(ConnectionEntity).findOneByOrFail({ id });
  const stateRow = (connectionId: string) => dataSource.getRepository(ConnectionStateEntity).findOneBy({ connectionId });
  const attempt = (jobId: string, attemptNumber: number) =>
    dataSource.getRepository(AttemptEntity).findOneByOrFail({ jobId, attemptNumber });
  const setState = (connectionId: string, stateType: 'stream' | 'global' | 'legacy', state: AirbyteStateMessage[]) =>
    dataSource.getRepository(ConnectionStateEntity).save({ connectionId, stateType, state });
  const finishJob = (jobId: string) => persistence.finishJob(jobId, { jobId, status: 'succeeded', attempts: [], failures: [] });

  describe('connection settings', () => {
    it('come from the connection row', async () => {
      const { connectionId } = await seed(
        { streams: [stream('users')] },
        { schedule: { type: 'basic', units: 2, timeUnit: 'hours' }, status: 'inactive' },
      );
      expect(await persistence.loadConnectionSettings(connectionId)).toEqual({
        connectionId,
        status: 'inactive',
        schedule: { type: 'basic', units: 2, timeUnit: 'hours' },
      });
    });

    it('say deleted, with a manual schedule, for a connection that does not exist', async () => {
      for (const connectionId of [randomUUID(), 'not-a-uuid']) {
        expect(await persistence.loadConnectionSettings(connectionId)).toEqual({
          connectionId,
          status: 'deleted',
          schedule: { type: 'manual' },
        });
      }
    });
  });

  describe('createJob', () => {
    it('records a running sync job with a snapshot of its catalog, generations and actors', async () => {
      const seeded = await seed(
        { streams: [stream('users', 'append', 2), stream('products', 'overwrite')] },
        { nonBreakingChangesPolicy: 'propagate_columns' },
      );
      const { jobId } = await persistence.createJob(seeded.connectionId, 'scheduled', { kind: 'sync' });
      expect(await job(jobId)).toMatchObject({ connectionId: seeded.connectionId, jobType: 'sync', status: 'running', streams: null });
      const snapshot = await snapshotOf(jobId);
      expect(snapshot).toMatchObject({
        kind: 'sync',
        trigger: 'scheduled',
        nonBreakingChangesPolicy: 'propagate_columns',
        source: { actorId: seeded.sourceId, definitionId: seeded.sourceDefinitionId, definitionVersion: '0.0.0-test' },
        destination: { actorId: seeded.destinationId, definitionId: seeded.destinationDefinitionId },
      });
      // append keeps older generations (minimum 0); overwrite replaces them (minimum = generation)
      expect(snapshot.catalog.streams.map((s) => [s.stream.name, s.sync_id, s.generation_id, s.minimum_generation_id])).toEqual([
        ['users', Number(jobId), 2, 0],
        ['products', Number(jobId), 0, 0],
      ]);
      // a sync changes no generation
      expect((await connection(seeded.connectionId)).configuredCatalog.streams.map((s) => s.generation_id)).toEqual([2, undefined]);
      await finishJob(jobId);
    });

    it('leaves the snapshot (the whole catalog) out of a job read that does not ask for it, as job lists do', async () => {
      const { connectionId } = await seed({ streams: [stream('users', 'append', 2)] });
      const { jobId } = await persistence.createJob(connectionId, 'manual', { kind: 'sync' });
      expect((await job(jobId)).configSnapshot).toBeUndefined();
      expect((await snapshotOf(jobId)).catalog.streams.length).toBeGreaterThan(0);
    });

    it('snapshots the field selection with the selected streams’ schemas cut down to it, and hands both to the worker', async () => {
      const users = stream('users');
      // a schema that still lists every field (the server stores it cut already: the snapshot cuts whatever it finds)
      users.stream.json_schema = {
        type: 'object',
        required: ['id', 'email'],
        properties: { id: { type: 'integer' }, email: { type: 'string' }, name: { type: 'string' } },
      };
      const products = stream('products');
      products.stream.json_schema = { type: 'object', properties: { sku: { type: 'string' }, price: { type: 'number' } } };
      const fieldSelection = [{ stream: { name: 'users' }, fields: ['name', 'id'] }];
      const { connectionId } = await seed({ streams: [users, products] }, { fieldSelection });
      const { jobId } = await persistence.createJob(connectionId, 'manual', { kind: 'sync' });

      const snapshot = await snapshotOf(jobId);
      expect(snapshot.fieldSelection).toEqual(fieldSelection);
      expect(snapshot.catalog.streams.map((s) => s.stream.json_schema)).toEqual([
        { type: 'object', required: ['id'], properties: { id: { type: 'integer' }, name: { type: 'string' } } },
        products.stream.json_schema,
      ]);
      // nothing of the platform's own in what connectors receive
      expect(JSON.stringify(snapshot.catalog)).not.toContain('fieldSelection');
      const config = await persistence.loadSyncConfig({ connectionId, jobId });
      expect(config.fieldSelection).toEqual(fieldSelection);
      expect(config.catalog).toEqual(snapshot.catalog);
      await finishJob(jobId);

      // without a selection (and for snapshots of older versions): none
      const plain = await seed({ streams: [stream('users')] });
      const second = await persistence.createJob(plain.connectionId, 'manual', { kind: 'sync' });
      expect((await persistence.loadSyncConfig({ connectionId: plain.connectionId, jobId: second.jobId })).fieldSelection).toEqual([]);
      const { fieldSelection: _omitted, ...older } = await snapshotOf(second.jobId);
      await dataSource.query(`UPDATE job SET config_snapshot = $2::jsonb WHERE id = $1`, [second.jobId, JSON.stringify(older)]);
      expect((await persistence.loadSyncConfig({ connectionId: plain.connectionId, jobId: second.jobId })).fieldSelection).toEqual([]);
      await finishJob(second.jobId);
    });

    it('refuses a second active job on the connection, naming the running one, and accepts one once it ended', async () => {
      const { connectionId } = await seed({ streams: [stream('users')] });
      const { jobId } = await persistence.createJob(connectionId, 'manual', { kind: 'sync' });
      for (const request of [{ kind: 'sync' }, { kind: 'clear' }, { kind: 'refresh' }] as JobRequest[]) {
        const error = await rejection(persistence.createJob(connectionId, 'manual', request));
        expect(error).toMatchObject({ code: ErrorCode.Conflict, details: { jobId } });
      }
      expect(await dataSource.getRepository(JobEntity).countBy({ connectionId })).toBe(1);
      await finishJob(jobId);
      const next = await persistence.createJob(connectionId, 'manual', { kind: 'sync' });
      expect(Number(next.jobId)).toBeGreaterThan(Number(jobId));
      await finishJob(next.jobId);
    });

    it('lets exactly one of two racing requests start a job', async () => {
      const { connectionId } = await seed({ streams: [stream('users')] });
      const results = await Promise.allSettled([
        persistence.createJob(connectionId, 'manual', { kind: 'sync' }),
        persistence.createJob(connectionId, 'scheduled', { kind: 'sync' }),
      ]);
      const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.jobId] : []));
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as DomainError] : []));
      expect(started).toHaveLength(1);
      expect(refused).toEqual([
        expect.objectContaining({ code: ErrorCode.Conflict, details: expect.objectContaining({ jobId: started[0] }) }),
      ]);
      await finishJob(started[0]!);
    });

    it('turns the one-active-job index violation into a conflict naming the job that won', async () => {
      const { connectionId } = await seed({ streams: [stream('users')] });
      // another writer inserts an active job without locking the connection, and commits late
      const other = dataSource.createQueryRunner();
      await other.connect();
      await other.startTransaction();
      try {
        const [{ id: otherJobId }] = (await other.query(
          `INSERT INTO job (connection_id, job_type, status, config_snapshot) VALUES ($1, 'sync', 'pending', '{}') RETURNING id::text AS id`,
          [connectionId],
        )) as [{ id: string }];
        // observed at once: it may reject while the other writer's commit is still being answered
        const creating = rejection(persistence.createJob(connectionId, 'manual', { kind: 'sync' }));
        // createJob did not see the uncommitted row: its insert waits on the unique index
        const waitingOnLock = async () =>
          Number(
            (
              (await dataSource.query(
                `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
              )) as [{ n: number }]
            )[0].n,
          );
        const deadline = Date.now() + 10_000;
        while ((await waitingOnLock()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(await waitingOnLock()).toBe(1);
        await other.commitTransaction();
        expect(await creating).toMatchObject({ code: ErrorCode.Conflict, details: { jobId: otherJobId } });
        await finishJob(otherJobId);
      } finally {
        await other.release();
      }
    });

    it('answers a retried request with the job its first try created, instead of "already running"', async () => {
      const { connectionId } = await seed({ streams: [stream('users')] });
      const requestId = randomUUID();
      const first = await persistence.createJob(connectionId, 'manual', { kind: 'sync' }, requestId);
      expect(await persistence.createJob(connectionId, 'manual', { kind: 'sync' }, requestId)).toEqual(first);
      expect(await dataSource.getRepository(JobEntity).countBy({ connectionId })).toBe(1);
      // another request still finds the job running
      expect(await rejection(persistence.createJob(connectionId, 'manual', { kind: 'sync' }, randomUUID()))).toMatchObject({
        code: ErrorCode.Conflict,
      });
      await finishJob(first.jobId);
      expect(await persistence.createJob(connectionId, 'manual', { kind: 'sync' }, requestId)).toEqual(first);
    });

    it('fails for a connection that does not exist', async () => {
      expect(await rejection(persistence.createJob(randomUUID(), 'manual', { kind: 'sync' }))).toMatchObject({ code: ErrorCode.NotFound });
    });
  });

  describe('clear and refresh', () => {
    const catalog = () => ({ streams: [stream('users', 'append', 2), stream('products', 'overwrite'), stream('orders')] });

    it('a clear of some streams bumps their generation, wipes their stream state and runs only them, truncating', async () => {
      const { connectionId } = await seed(catalog());
      await setState(connectionId, 'stream', [streamState('users', 10), streamState('products', 20), streamState('orders', 30)]);
      const { jobId } = await persistence.createJob(connectionId, 'manual', {
        kind: 'clear',
        streams: [{ name: 'users', namespace: null }],
      });

      expect((await connection(connectionId)).configuredCatalog.streams.map((s) => [s.stream.name, s.generation_id])).toEqual([
        ['users', 3],
        ['products', undefined],
        ['orders', undefined],
      ]);
      expect((await stateRow(connectionId))?.state.map((s) => s.stream?.stream_descriptor.name)).toEqual(['products', 'orders']);
      expect(await job(jobId)).toMatchObject({ jobType: 'clear', streams: [{ name: 'users' }] });
      const config = await persistence.loadSyncConfig({ connectionId, jobId });
      expect(config.kind).toBe('clear');
      expect(config.nonBreakingChangesPolicy).toBeUndefined();
      // the destination deletes every row of generations below 3 (append) once the clear ends
      expect(config.catalog.streams.map((s) => [s.stream.name, s.sync_id, s.generation_id, s.minimum_generation_id])).toEqual([
        ['users', Number(jobId), 3, 3],
      ]);
      await finishJob(jobId);
    });

    it('a clear of every stream bumps all generations and removes the whole state', async () => {
      const { connectionId } = await seed(catalog());
      await setState(connectionId, 'stream', [streamState('users', 10), streamState('orders', 30)]);
      const { jobId } = await persistence.createJob(connectionId, 'manual', { kind: 'clear' });
      expect((await connection(connectionId)).configuredCatalog.streams.map((s) => s.generation_id)).toEqual([3, 1, 1]);
      expect(await stateRow(connectionId)).toBeNull();
      expect(await persistence.loadState(connectionId)).toBeUndefined();
      expect((await job(jobId)).streams).toBeNull();
      expect((await snapshotOf(jobId)).catalog.streams.map((s) => [s.stream.name, s.generation_id, s.minimum_generation_id])).toEqual([
        ['users', 3, 3],
        ['products', 1, 1],
        ['orders', 1, 1],
      ]);
      await finishJob(jobId);
    });

    it('a refresh of a stream under global state drops its stream state, keeps the shared state, and syncs every stream', async () => {
      const { connectionId } = await seed(catalog(), { nonBreakingChangesPolicy: 'disable' });
      await setState(connectionId, 'global', [globalState(['users', 'products', 'orders'])]);
      const { jobId } = await persistence.createJob(connectionId, 'manual', { kind: 'refresh', streams: [{ name: 'orders' }] });

      const [state] = (await persistence.loadState(connectionId))!;
      expect(state!.global?.shared_state).toEqual({ lsn: 42 });
      // products is a full refresh stream: its state only ever lives through one job
      expect(state!.global?.stream_states.map((s) => s.stream_descriptor.name)).toEqual(['users']);
      const config = await persistence.loadSyncConfig({ connectionId, jobId });
      expect(config.kind).toBe('refresh');
      expect(config.nonBreakingChangesPolicy).toBe('disable');
      // the refreshed stream's old generation goes once the refresh completes; appended history stays for the others
      expect(config.catalog.streams.map((s) => [s.stream.name, s.generation_id, s.minimum_generation_id])).toEqual([
        ['users', 2, 0],
        ['products', 0, 0],
        ['orders', 1, 1],
      ]);
      await finishJob(jobId);
    });

    it('a refresh of every stream under global state drops the shared state too', async () => {
      const { connectionId } = await seed(catalog());
      await setState(connectionId, 'global', [globalState(['users', 'products', 'orders'])]);
      const { jobId } = await persistence.createJob(connectionId, 'manual', {
        kind: 'refresh',
        streams: [{ name: 'users' }, { name: 'products' }, { name: 'orders' }],
      });
      expect(await stateRow(connectionId)).toBeNull();
      await finishJob(jobId);
    });

    it('legacy state cannot be split: clearing one stream wipes it all', async () => {
      const { connectionId } = await seed(catalog());
      await setState(connectionId, 'legacy', [{ type: 'LEGACY', data: { users: 1, orders: 2 } }]);
      const { jobId } = await persistence.createJob(connectionId, 'manual', { kind: 'clear', streams: [{ name: 'users' }] });
      expect(await stateRow(connectionId)).toBeNull();
      await finishJob(jobId);
    });

    it('a sync job starts full refresh streams afresh: their state from an earlier job goes, the others stay', async () => {
      const { connectionId } = await seed(catalog());
      await setState(connectionId, 'stream', [streamState('users', 10), streamState('products', 20), streamState('orders', 30)]);
      const { jobId } = await persistence.createJob(connectionId, 'manual', { kind: 'sync' });
      expect((await stateRow(connectionId))?.state.map((s) => s.stream?.stream_descriptor.name)).toEqual(['users', 'orders']);
      await finishJob(jobId);
    });

    it('a sync job keeps a LEGACY state, which cannot be split between streams', async () => {
      const { connectionId } = await seed(catalog());
      await setState(connectionId, 'legacy', [{ type: 'LEGACY', data: { users: 1, products: 2 } }]);
      const { jobId } = await persistence.createJob(connectionId, 'manual', { kind: 'sync' });
      expect((await stateRow(connectionId))?.state).toEqual([{ type: 'LEGACY', data: { users: 1, products: 2 } }]);
      await finishJob(jobId);
    });

    it('startNewGenerations moves the given streams on, on the connection, and answers every stream\'s generation', async () => {
      const { connectionId } = await seed(catalog());
      const generations = await persistence.startNewGenerations(connectionId, [{ name: 'products' }]);
      expect((await connection(connectionId)).configuredCatalog.streams.map((s) => [s.stream.name, s.generation_id])).toEqual([
        ['users', 2],
        ['products', 1],
        ['orders', undefined],
      ]);
      expect([...generations]).toEqual([
        [streamDescriptorKey({ name: 'users' }), 2],
        [streamDescriptorKey({ name: 'products' }), 1],
        [streamDescriptorKey({ name: 'orders' }), 0],
      ]);
      expect((await persistence.startNewGenerations(connectionId, [])).size).toBe(3);
      expect((await connection(connectionId)).configuredCatalog.streams[1]!.generation_id).toBe(1);
    });

    it('refuses a stream the connection does not sync, changing nothing', async () => {
      const { connectionId } = await seed(catalog());
      await setState(connectionId, 'stream', [streamState('users', 10)]);
      const error = await rejection(
        persistence.createJob(connectionId, 'manual', { kind: 'clear', streams: [{ name: 'users' }, { name: 'nope' }] }),
      );
      expect(error).toMatchObject({ code: ErrorCode.ValidationFailed, message: expect.stringContaining('nope') });
      expect(await dataSource.getRepository(JobEntity).countBy({ connectionId })).toBe(0);
      expect((await connection(connectionId)).configuredCatalog.streams[0]!.generation_id).toBe(2);
      expect(await persistence.loadState(connectionId)).toHaveLength(1);
    });
  });

  describe('loadSyncConfig', () => {
    it('decrypts both configs, lists their secrets, and never stores a secret in plain text', async () => {
      const seeded = await seed(
        { streams: [stream('users')] },
        {
          source: {
            runtime: { kind: 'builtin', name: 'source-sample' },
            config: { count: 5, api_key: 'src-secret-123' },
            spec: sourceSpec,
          },
          destination: {
            runtime: { kind: 'pypi', package: 'airbyte-destination-x', version: '1.0.0' },
            image: 'airbyte/destination-x:1.0.0',
            config: { host: 'db.example', credentials: { method: 'password', password: 'dst-pass-456' } },
            spec: destinationSpec,
          },
        },
      );
      const { jobId } = await persistence.createJob(seeded.connectionId, 'manual', { kind: 'sync' });
      const config = await persistence.loadSyncConfig({ connectionId: seeded.connectionId, jobId });
      expect(config.source).toEqual({
        definition: { runtime: { kind: 'builtin', name: 'source-sample' } },
        config: { count: 5, api_key: 'src-secret-123' },
      });
      expect(config.destination).toEqual({
        definition: { runtime: { kind: 'pypi', package: 'airbyte-destination-x', version: '1.0.0' }, image: 'airbyte/destination-x:1.0.0' },
        config: { host: 'db.example', credentials: { method: 'password', password: 'dst-pass-456' } },
      });
      expect(config.secretValues.sort()).toEqual(['dst-pass-456', 'src-secret-123']);

      const stored = JSON.stringify(
        await dataSource.query(
          `SELECT (SELECT json_agg(configuration) FROM actor) AS actors, (SELECT json_agg(config_snapshot) FROM job) AS jobs`,
        ),
      );
      expect(stored).not.toContain('src-secret-123');
      expect(stored).not.toContain('dst-pass-456');

      // a value encrypted under an older spec stays secret after the spec stops marking it
      await dataSource
        .getRepository(ActorDefinitionEntity)
        .update({ id: seeded.sourceDefinitionId }, { spec: { connectionSpecification: { type: 'object' } } });
      expect((await persistence.loadSyncConfig({ connectionId: seeded.connectionId, jobId })).secretValues).toContain('src-secret-123');
      await finishJob(jobId);
    });

    it('uses the actors of the snapshot, with their current config', async () => {
      const seeded = await seed({ streams: [stream('users')] });
      const { jobId } = await persistence.createJob(seeded.connectionId, 'manual', { kind: 'sync' });
      const actor = await dataSource.getRepository(ActorEntity).findOneByOrFail({ id: seeded.sourceId });
      actor.configuration = { count: 99 };
      await dataSource.getRepository(ActorEntity).save(actor);
      expect((await persistence.loadSyncConfig({ connectionId: seeded.connectionId, jobId })).source.config).toEqual({ count: 99 });
      await finishJob(jobId);
    });

    it("carries the connection's and each definition's resource requirements, as they are now; none when none are set", async () => {
      const seeded = await seed({ streams: [stream('users')] });
      const { jobId } = await persistence.createJob(seeded.connectionId, 'manual', { kind: 'sync' });
      const ref = { connectionId: seeded.connectionId, jobId };
      const none = await persistence.loadSyncConfig(ref);
      expect(none.connectionResources).toBeUndefined();
      expect(none.source.definition.resources).toBeUndefined();
      expect(none.destination.definition.resources).toBeUndefined();

      await dataSource.getRepository(ConnectionEntity).update({ id: seeded.connectionId }, { resourceRequirements: { memoryLimit: '4Gi' } });
      await dataSource.getRepository(ActorDefinitionEntity).update({ id: seeded.sourceDefinitionId }, { resourceRequirements: { cpuLimit: '2' } });
      await dataSource.getRepository(ActorDefinitionEntity).update({ id: seeded.destinationDefinitionId }, { resourceRequirements: { memoryRequest: '1Gi' } });
      const config = await persistence.loadSyncConfig(ref);
      expect(config.connectionResources).toEqual({ memoryLimit: '4Gi' });
      expect(config.source.definition).toMatchObject({ runtime: { kind: 'builtin', name: 'source-sample' }, resources: { cpuLimit: '2' } });
      expect(config.destination.definition).toMatchObject({ resources: { memoryRequest: '1Gi' } });
      await finishJob(jobId);
    });

    it('fails for a job of another connection or no job at all', async () => {
      const seeded = await seed({ streams: [stream('users')] });
      const other = await seed({ streams: [stream('users')] });
      const { jobId } = await persistence.createJob(seeded.connectionId, 'manual', { kind: 'sync' });
      for (const ref of [
        { connectionId: other.connectionId, jobId },
        { connectionId: seeded.connectionId, jobId: '999999999' },
        { connectionId: seeded.connectionId, jobId: 'x' },
      ]) {
        expect(await rejection(persistence.loadSyncConfig(ref))).toMatchObject({ code: ErrorCode.NotFound });
      }
      await finishJob(jobId);
    });
  });

  describe('attempts', () => {
    async function runningJob() {
      const { connectionId } = await seed({ streams: [stream('users')] });
      const { jobId } = await persistence.createJob(connectionId, 'manual', { kind: 'sync' });
      return { connectionId, jobId };
    }

    it('are numbered 1, 2, ... per job, even when created at once', async () => {
      const { jobId } = await runningJob();
      expect(await persistence.createAttempt(jobId)).toEqual({ attemptNumber: 1 });
      const more = await Promise.all([
        persistence.createAttempt(jobId),
        persistence.createAttempt(jobId),
        persistence.createAttempt(jobId),
      ]);
      expect(more.map((a) => a.attemptNumber).sort()).toEqual([2, 3, 4]);
      expect(await attempt(jobId, 1)).toMatchObject({ status: 'running', endedAt: null });
      expect(await rejection(persistence.createAttempt('987654321'))).toMatchObject({ code: ErrorCode.NotFound });
    });

    it('record live progress, and a late progress report never undoes committed counts', async () => {
      const ref = { ...(await runningJob()), attemptNumber: 1 };
      await persistence.createAttempt(ref.jobId);
      expect(await persistence.loadProgress(ref)).toBeUndefined();
      await persistence.persistProgress(ref, progress(100, 150));
      // the last report as it was made, for the worker's heartbeats while a pod runs
      expect(await persistence.loadProgress(ref)).toEqual(progress(100, 150));
      expect((await attempt(ref.jobId, 1)).stats).toEqual({
        recordsEmitted: 150,
        bytesEmitted: 1500,
        recordsCommitted: 100,
        bytesCommitted: 1000,
        streams: [{ name: 'users', namespace: null, recordsEmitted: 150, bytesEmitted: 1500, recordsCommitted: 100, bytesCommitted: 1000 }],
      });
      await persistence.persistState(ref, [streamState('users', 300)], totals(300, 320));
      // computed before that commit, saved after it
      await persistence.persistProgress(ref, progress(100, 310));
      expect((await attempt(ref.jobId, 1)).stats).toMatchObject({ recordsEmitted: 320, recordsCommitted: 300, bytesCommitted: 3000 });
    });

    it('persist state and committed totals durably: another connection sees them as soon as the call returns', async () => {
      const ref = { ...(await runningJob()), attemptNumber: 1 };
      await persistence.createAttempt(ref.jobId);
      const observer = await createDataSource({ url: database.db.url, applicationName: 'tributary-test-observer' }).initialize();
      try {
        await persistence.persistState(ref, [streamState('users', 500)], totals(500));
        const [row] = (await observer.query(`SELECT state_type, state FROM connection_state WHERE connection_id = $1`, [
          ref.connectionId,
        ])) as [{ state_type: string; state: AirbyteStateMessage[] }];
        expect(row).toEqual({ state_type: 'stream', state: [streamState('users', 500)] });
        const [stats] = (await observer.query(`SELECT stats FROM attempt WHERE job_id = $1 AND attempt_number = 1`, [ref.jobId])) as [
          { stats: Record<string, number> },
        ];
        expect(stats.stats).toMatchObject({ recordsCommitted: 500, bytesCommitted: 5000 });

        await persistence.persistState(ref, [globalState(['users'])], totals(600));
        expect(await persistence.loadState(ref.connectionId)).toEqual([globalState(['users'])]);
        expect((await stateRow(ref.connectionId))?.stateType).toBe('global');
      } finally {
        await observer.destroy();
      }
    });

    it('refuse state from an attempt that has finished (a worker presumed dead), keeping the state as it was', async () => {
      const ref = { ...(await runningJob()), attemptNumber: 1 };
      await persistence.createAttempt(ref.jobId);
      await persistence.persistState(ref, [streamState('users', 10)], totals(10));
      await persistence.finishAttempt(ref, outcome('failed', 10));
      await expect(persistence.persistState(ref, [streamState('users', 99)], totals(99))).rejects.toThrow(/not running/);
      expect(await persistence.loadState(ref.connectionId)).toEqual([streamState('users', 10)]);
      // nor does late progress overwrite the final stats
      await persistence.persistProgress(ref, progress(50, 500));
      expect((await attempt(ref.jobId, 1)).stats).toMatchObject({ recordsEmitted: 10 });
    });

    it('finish without losing committed counts: an outcome from a lost worker’s last heartbeat may lag its last saved state', async () => {
      const ref = { ...(await runningJob()), attemptNumber: 1 };
      await persistence.createAttempt(ref.jobId);
      await persistence.persistState(ref, [streamState('users', 1810)], totals(1810));
      await persistence.finishAttempt(ref, outcome('failed', 1780));
      expect(await attempt(ref.jobId, 1)).toMatchObject({
        status: 'failed',
        stats: { recordsCommitted: 1810, bytesCommitted: 18100, recordsEmitted: 1810 },
      });
      await persistence.finishJob(ref.jobId, { jobId: ref.jobId, status: 'failed', attempts: [], failures: [] });
    });

    it('finish with their status, stats, failures and end time; the job with its result', async () => {
      const { connectionId, jobId } = await runningJob();
      await persistence.createAttempt(jobId);
      await persistence.createAttempt(jobId);
      await persistence.finishAttempt({ connectionId, jobId, attemptNumber: 1 }, outcome('failed', 5));
      await persistence.finishAttempt({ connectionId, jobId, attemptNumber: 2 }, outcome('cancelled', 7));
      const first = await attempt(jobId, 1);
      expect(first).toMatchObject({
        status: 'failed',
        stats: {
          recordsEmitted: 5,
          recordsCommitted: 5,
          bytesCommitted: 50,
          streams: [{ name: 'users', namespace: null, recordsCommitted: 5 }],
        },
        failureReasons: [{ origin: 'source', type: 'system_error', message: 'boom', timestamp: 1_700_000_000_000 }],
      });
      expect(first.endedAt).toBeInstanceOf(Date);
      expect(await attempt(jobId, 2)).toMatchObject({ status: 'cancelled', failureReasons: [] });
      expect(await rejection(persistence.finishAttempt({ connectionId, jobId, attemptNumber: 3 }, outcome('failed', 0)))).toMatchObject({
        code: ErrorCode.NotFound,
      });

      await persistence.finishJob(jobId, { jobId, status: 'cancelled', attempts: [], failures: [] });
      expect((await job(jobId)).status).toBe('cancelled');
      expect(
        await rejection(persistence.finishJob('424242424', { jobId: '424242424', status: 'failed', attempts: [], failures: [] })),
      ).toMatchObject({
        code: ErrorCode.NotFound,
      });
    });
  });

  describe('applySchemaChange', () => {
    const discovered: AirbyteCatalog = {
      streams: [
        { name: 'users', json_schema: { type: 'object', properties: { id: { type: 'integer' } } }, supported_sync_modes: ['full_refresh'] },
      ],
    };
    const diff = { addedStreams: [], removedStreams: [], changedStreams: [], breaking: [] };

    it('records the discovered catalog once and points the connection at it', async () => {
      const { connectionId, sourceId } = await seed({ streams: [stream('users')] });
      await persistence.applySchemaChange(connectionId, { diff, discovered });
      // the same catalog, serialised differently, is not stored twice
      await persistence.applySchemaChange(connectionId, {
        diff,
        discovered: JSON.parse(JSON.stringify({ streams: discovered.streams })) as AirbyteCatalog,
      });
      const catalogs = await dataSource.getRepository(ActorCatalogEntity).findBy({ actorId: sourceId });
      expect(catalogs).toHaveLength(1);
      expect(catalogs[0]!.catalog).toEqual(discovered);
      const updated = await connection(connectionId);
      expect(updated.sourceCatalogId).toBe(catalogs[0]!.id);
      expect(updated).toMatchObject({ status: 'active', statusReason: null });
    });

    it('replaces the configured catalog, keeping each stream’s generation and no per-job ids', async () => {
      const { connectionId } = await seed({ streams: [stream('users', 'append', 4)] });
      const { jobId } = await persistence.createJob(connectionId, 'manual', { kind: 'sync' });
      const jobCatalog = (await persistence.loadSyncConfig({ connectionId, jobId })).catalog;
      const propagated: ConfiguredAirbyteCatalog = {
        streams: [
          { ...jobCatalog.streams[0]!, stream: { ...jobCatalog.streams[0]!.stream, json_schema: discovered.streams[0]!.json_schema } },
          { ...stream('events'), sync_id: Number(jobId), generation_id: 0, minimum_generation_id: 0 },
        ],
      };
      await persistence.applySchemaChange(connectionId, { diff, discovered, catalog: propagated });
      const streams = (await connection(connectionId)).configuredCatalog.streams;
      expect(streams.map((s) => [s.stream.name, s.generation_id, s.sync_id, s.minimum_generation_id])).toEqual([
        ['users', 4, undefined, undefined],
        ['events', undefined, undefined, undefined],
      ]);
      expect(streams[0]!.stream.json_schema).toEqual(discovered.streams[0]!.json_schema);
      await finishJob(jobId);
    });

    it('drops the field selection of a stream the propagated catalog no longer has', async () => {
      const fieldSelection = [
        { stream: { name: 'users' }, fields: ['id'] },
        { stream: { name: 'gone' }, fields: ['x'] },
      ];
      const { connectionId } = await seed({ streams: [stream('users'), stream('gone')] }, { fieldSelection });
      await persistence.applySchemaChange(connectionId, { diff, discovered, catalog: { streams: [stream('users')] } });
      expect((await connection(connectionId)).fieldSelection).toEqual([fieldSelection[0]]);
      // a change without a new catalog leaves it alone
      await persistence.applySchemaChange(connectionId, { diff, discovered });
      expect((await connection(connectionId)).fieldSelection).toEqual([fieldSelection[0]]);
    });

    it('disables the connection with the reason', async () => {
      const { connectionId } = await seed({ streams: [stream('users')] });
      await persistence.applySchemaChange(connectionId, { diff, discovered, disableReason: 'breaking schema change: users: cursor gone' });
      expect(await connection(connectionId)).toMatchObject({
        status: 'inactive',
        statusReason: 'breaking schema change: users: cursor gone',
      });
      expect((await persistence.loadConnectionSettings(connectionId)).status).toBe('inactive');
    });
  });

  describe('notifications (the outbox)', () => {
    const discovered: AirbyteCatalog = { streams: [{ name: 'users', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] }] };
    const noChange = { addedStreams: [], removedStreams: [], changedStreams: [], breaking: [] };

    async function channelFor(workspaceId: string, events: NotificationEvent[], enabled = true) {
      return dataSource.getRepository(NotificationChannelEntity).save({ workspaceId, name: 'c', kind: 'webhook', url: 'http://127.0.0.1:1/x', events, secret: null, enabled });
    }
    const queued = async (channelId: string) =>
      (await dataSource.getRepository(NotificationDeliveryEntity).find({ where: { channelId }, order: { createdAt: 'ASC' } })).map((d) => d.event as unknown as CloudEvent);

    it('queues schema.change_detected, or _applied when propagated, and connection.disabled; nothing when nothing changed', async () => {
      const seeded = await seed({ streams: [stream('users')] });
      const all = await channelFor(seeded.workspaceId, ['schema.change_detected', 'schema.change_applied', 'connection.disabled']);
      const off = await channelFor(seeded.workspaceId, ['schema.change_detected'], false);
      await persistence.applySchemaChange(seeded.connectionId, { diff: noChange, discovered });
      expect(await queued(all.id)).toEqual([]);

      const breaking = { ...noChange, removedStreams: ['users'], breaking: ['users: the stream is gone'] };
      await persistence.applySchemaChange(seeded.connectionId, { diff: breaking, discovered, disableReason: 'breaking schema change: users: the stream is gone' });
      await persistence.applySchemaChange(seeded.connectionId, { diff: { ...noChange, addedStreams: ['events'] }, discovered, catalog: { streams: [stream('users')] } });
      const events = await queued(all.id);
      expect(events.map((e) => e.type)).toEqual(['io.tributary.schema.change_detected', 'io.tributary.connection.disabled', 'io.tributary.schema.change_applied']);
      expect(events[0]!.data).toMatchObject({ connectionId: seeded.connectionId, workspaceId: seeded.workspaceId, removedStreams: ['users'], breaking: ['users: the stream is gone'] });
      expect(events[1]!.data).toMatchObject({ reason: 'breaking schema change: users: the stream is gone' });
      expect(events[2]!.data).toMatchObject({ addedStreams: ['events'] });
      expect(await queued(off.id)).toEqual([]);
    });

    it('queues one sync.succeeded or sync.failed per job end with its figures, however often the end is recorded', async () => {
      const seeded = await seed({ streams: [stream('users')] });
      const channel = await channelFor(seeded.workspaceId, ['sync.failed', 'sync.succeeded']);
      const other = await channelFor((await seed({ streams: [stream('users')] })).workspaceId, ['sync.failed']);
      const { jobId } = await persistence.createJob(seeded.connectionId, 'manual', { kind: 'sync' });
      const attempt = { attemptNumber: 1, status: 'failed' as const, recordsEmitted: 10, bytesEmitted: 100, recordsCommitted: 7, bytesCommitted: 70, streamStats: [], failures: [] };
      const failure = { origin: 'destination' as const, type: 'system_error' as const, message: 'disk full', timestamp: Date.now() };
      const result = { jobId, status: 'failed' as const, attempts: [attempt, { ...attempt, attemptNumber: 2, recordsCommitted: 3, bytesCommitted: 30 }], failures: [failure] };
      await persistence.finishJob(jobId, result);
      await persistence.finishJob(jobId, result);
      const events = await queued(channel.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ specversion: '1.0', type: 'io.tributary.sync.failed', subject: `connections/${seeded.connectionId}` });
      expect(events[0]!.data).toMatchObject({
        jobId,
        connectionId: seeded.connectionId,
        attempts: 2,
        recordsCommitted: 10,
        bytesCommitted: 100,
        failure: { origin: 'destination', type: 'system_error', message: 'disk full' },
      });
      // another workspace's channel hears nothing of it
      expect(await queued(other.id)).toEqual([]);
    });
  });
});
