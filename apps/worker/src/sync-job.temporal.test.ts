// syncJobWorkflow with the real replicate activity and builtin connectors, on a real
// Temporal dev server: success, retries with backoff, config errors, cancellation.
import { catalogWithSelectedFields, type LogEntry } from '@tributary/domain';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import pg from 'pg';
import { resolveBuiltinConnector } from '@tributary/connectors';
import { ProcessLauncher } from '@tributary/launcher';
import { TRIBUTARY_TASK_QUEUE, cancelSyncJobSignal, syncJobStatusQuery, syncJobWorkflowId, type JobRequest, type ReplicateHeartbeat, type SyncJobInput } from '@tributary/workflows';
import type { syncJobWorkflow } from '@tributary/workflows/workflows';
import { ActorCatalogEntity, ConnectionEntity } from '@tributary/db';
import {
  connectorProcesses,
  jsonl,
  sampleCatalog,
  sourceSample,
  startHarness,
  type Harness,
  type SampleConnection,
} from '@tributary/testing/worker';
import { connectorInstallDir, waitFor } from '@tributary/testing';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';

describe('sync job workflow', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  async function startJob(
    connection: SampleConnection,
    options: Partial<SyncJobInput> = {},
  ): Promise<WorkflowHandle<typeof syncJobWorkflow>> {
    const { connectionId } = await h.seedConnection(connection);
    const { jobId } = await h.persistence.createJob(connectionId, 'manual', { kind: 'sync' });
    return h.client.workflow.start<typeof syncJobWorkflow>('syncJobWorkflow', {
      taskQueue: TRIBUTARY_TASK_QUEUE,
      workflowId: syncJobWorkflowId(jobId),
      args: [{ connectionId, jobId, ...options }],
    });
  }

  it('succeeds with per-stream stats, and records the job and its committed state', async () => {
    const handle = await startJob({ sourceConfig: { count: 2000, records_per_state: 500 }, streams: ['users', 'products'] });
    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]).toMatchObject({ status: 'succeeded', recordsCommitted: 4000 });
    expect(result.attempts[0]!.streamStats.map((s) => [s.name, s.recordsCommitted])).toEqual([
      ['users', 2000],
      ['products', 2000],
    ]);
    const { job, attempts } = await h.readJob(result.jobId);
    expect(job.status).toBe('succeeded');
    expect(attempts).toMatchObject([{ attemptNumber: 1, status: 'succeeded', stats: { recordsCommitted: 4000 } }]);
    expect(await h.persistence.loadState(job.connectionId)).toHaveLength(2);
  });

  it('retries a failing source with backoff and ends failed with the source as origin', async () => {
    const handle = await startJob(
      { sourceConfig: { count: 1000, fail_after: 0 } },
      { retryPolicy: { maxSuccessiveCompleteFailures: 3, backoffInitialMs: 300, backoffFactor: 3 } },
    );
    const result = await handle.result();
    expect(result.status).toBe('failed');
    expect(result.attempts.map((a) => a.status)).toEqual(['failed', 'failed', 'failed']);
    expect(result.failures[0]).toMatchObject({ origin: 'source', type: 'system_error', message: expect.stringContaining('fail_after') });
    // the waits between complete failures: 300 ms × 3^(n−1)
    const timers: number[] = [];
    for (const event of (await handle.fetchHistory()).events ?? []) {
      const timeout = event.timerStartedEventAttributes?.startToFireTimeout;
      if (timeout) timers.push(Number(timeout.seconds ?? 0) * 1000 + Math.round((timeout.nanos ?? 0) / 1e6));
    }
    expect(timers).toEqual([300, 900]);
    const { job } = await h.readJob(result.jobId);
    expect(job.status).toBe('failed');
    // each attempt has its own log: platform lines and the connector's own output
    const log = (await readFile(join(h.dir, 'logs', job.connectionId, result.jobId, 'attempt-2.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogEntry);
    expect(log[0]).toMatchObject({ origin: 'platform', level: 'info', message: expect.stringContaining('attempt 2') });
    expect(log.some((e) => e.origin === 'source' && e.message.includes('fail_after'))).toBe(true);
    // a retry checks both connectors first; the first attempt of a job does not
    expect(log.filter((e) => e.message.startsWith('checked ')).map((e) => e.message)).toEqual([
      'checked source: SUCCEEDED',
      'checked destination: SUCCEEDED',
    ]);
    const firstLog = await readFile(join(h.dir, 'logs', job.connectionId, result.jobId, 'attempt-1.jsonl'), 'utf8');
    expect(firstLog).not.toContain('checked ');
  });

  it('after a failed job, checks the connectors first and fails at once on a failed check', async () => {
    const handle = await startJob(
      { sourceConfig: { count: 10 }, destination: jsonl, destinationConfig: { destination_path: 'relative/path' } },
      { previousJobFailed: true },
    );
    const result = await handle.result();
    expect(result.status).toBe('failed');
    expect(result.attempts).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({
      origin: 'destination',
      type: 'config_error',
      message: expect.stringMatching(/^destination check failed: .*absolute/),
    });
  });

  it('fails at once on a configuration error', async () => {
    const handle = await startJob({ sourceConfig: { count: -1 } });
    const result = await handle.result();
    expect(result.status).toBe('failed');
    expect(result.attempts).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ origin: 'source', type: 'config_error' });
  });

  it('ends at once when its job is gone (the connection was deleted as the job was created), instead of retrying for ever', async () => {
    const { connectionId } = await h.seedConnection({ sourceConfig: { count: 10 } });
    const { jobId } = await h.persistence.createJob(connectionId, 'manual', { kind: 'sync' });
    await h.dataSource.query(`DELETE FROM connection WHERE id = $1`, [connectionId]);
    const handle = await h.client.workflow.start<typeof syncJobWorkflow>('syncJobWorkflow', {
      taskQueue: TRIBUTARY_TASK_QUEUE,
      workflowId: syncJobWorkflowId(jobId),
      args: [{ connectionId, jobId }],
    });
    const ended = await Promise.race([
      handle.result().then(
        () => 'completed',
        (err: Error) => {
          const messages: string[] = [];
          for (let e: unknown = err; e instanceof Error; e = e.cause) messages.push(e.message);
          return `failed: ${messages.join(' / ')}`;
        },
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 15_000)),
    ]);
    if (ended === 'still running') await handle.terminate('test over');
    expect(ended).toMatch(/^failed: .*job .* not found/i);
  });

  it('shows live progress in heartbeats and cancels within 10 s, leaving no connector running', async () => {
    const handle = await startJob(
      { sourceConfig: { count: 1_000_000, records_per_batch: 10, sleep_ms_per_batch: 20, records_per_state: 100 } },
      { heartbeatTimeoutMs: 10_000 },
    );
    const beat = await waitFor('a heartbeat with committed records', async () => {
      const pending = (await handle.describe()).raw.pendingActivities?.[0];
      const payload = pending?.heartbeatDetails?.payloads?.[0];
      const details = payload ? defaultPayloadConverter.fromPayload<ReplicateHeartbeat>(payload) : undefined;
      return details?.progress && details.progress.recordsCommitted > 0 ? details : undefined;
    });
    expect(beat.progress?.streams[0]).toMatchObject({ name: 'users' });
    expect((await handle.query(syncJobStatusQuery)).phase).toBe('replicating');
    expect(connectorProcesses().length).toBe(2);

    const cancelledAt = Date.now();
    await handle.signal(cancelSyncJobSignal);
    const result = await handle.result();
    expect(Date.now() - cancelledAt).toBeLessThan(10_000);
    expect(result.status).toBe('cancelled');
    expect(result.attempts[0]).toMatchObject({ status: 'cancelled' });
    expect(connectorProcesses()).toEqual([]);
    // what was committed before the cancel is kept
    const { job } = await h.readJob(result.jobId);
    expect(await h.persistence.loadState(job.connectionId)).toHaveLength(1);
  });

  it('cancels the same way when the workflow itself is cancelled', async () => {
    const handle = await startJob({ sourceConfig: { count: 1_000_000, records_per_batch: 10, sleep_ms_per_batch: 20 } });
    await waitFor('the connectors to start', () => connectorProcesses().length === 2 || undefined);
    const cancelledAt = Date.now();
    await handle.cancel();
    const result = await handle.result();
    expect(Date.now() - cancelledAt).toBeLessThan(10_000);
    expect(result.status).toBe('cancelled');
    expect(connectorProcesses()).toEqual([]);
  });

  describe('clear and refresh, into destination-postgres', () => {
    let target: TestDatabase;
    beforeAll(async () => {
      target = await createTestDatabase('worker_target');
    });
    afterAll(() => target?.drop());

    async function runJob(connectionId: string, request: JobRequest) {
      const { jobId } = await h.persistence.createJob(connectionId, 'manual', request);
      return h.client.workflow.execute<typeof syncJobWorkflow>('syncJobWorkflow', {
        taskQueue: TRIBUTARY_TASK_QUEUE,
        workflowId: syncJobWorkflowId(jobId),
        args: [{ connectionId, jobId }],
      });
    }

    async function generations(table: string): Promise<Record<string, number>> {
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ generation: string; n: number }>(
          `SELECT _airbyte_generation_id::text AS generation, count(*)::int AS n FROM public.${table} GROUP BY 1`,
        );
        return Object.fromEntries(rows.map((r) => [r.generation, r.n]));
      } finally {
        await client.end();
      }
    }

    it('a refresh re-syncs from scratch and drops the old generation; a clear empties the stream and forgets its state', async () => {
      const { connectionId } = await h.seedConnection({
        sourceConfig: { count: 300, records_per_state: 100 },
        streams: ['users', 'products'],
        destination: { runtime: { kind: 'builtin', name: 'destination-postgres' } },
        destinationConfig: { ...target.connection, schema: 'public', ssl_mode: { mode: 'disable' } },
      });
      expect((await runJob(connectionId, { kind: 'sync' })).status).toBe('succeeded');
      expect(await generations('users')).toEqual({ '0': 300 });
      expect(await h.persistence.loadState(connectionId)).toHaveLength(2);

      // the refreshed stream is read again from the start, into generation 1; generation 0 goes at the end
      expect((await runJob(connectionId, { kind: 'refresh', streams: [{ name: 'users' }] })).status).toBe('succeeded');
      expect(await generations('users')).toEqual({ '1': 300 });
      expect(await generations('products')).toEqual({ '0': 300 });

      // only the destination runs: the cleared stream's table is emptied, the other one is untouched
      const cleared = await runJob(connectionId, { kind: 'clear', streams: [{ name: 'users' }] });
      expect(cleared.status).toBe('succeeded');
      expect(await generations('users')).toEqual({});
      expect(await generations('products')).toEqual({ '0': 300 });
      const state = await h.persistence.loadState(connectionId);
      expect(state?.map((s) => s.stream?.stream_descriptor.name)).toEqual(['products']);
    });
  });

  describe('field selection, into destination-postgres', () => {
    let target: TestDatabase;
    beforeAll(async () => {
      target = await createTestDatabase('worker_fields');
    });
    afterAll(() => target?.drop());

    async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      try {
        return (await client.query<T>(sql)).rows;
      } finally {
        await client.end();
      }
    }

    it('creates only the selected columns, stores records with only those fields, and sees no schema change', async () => {
      // the schema source-sample really discovers: every field
      const launcher = new ProcessLauncher({ installDir: connectorInstallDir(), tmpDir: h.dir, resolveBuiltin: resolveBuiltinConnector });
      const discovered = await launcher.discover(sourceSample, { streams: ['users'] }, { role: 'source' });
      if (!discovered.ok) throw new Error(discovered.failure.message);
      const users = discovered.value.streams.find((s) => s.name === 'users')!;
      expect(Object.keys(users.json_schema['properties'] as object).length).toBeGreaterThan(5);

      const fieldSelection = [{ stream: { name: 'users' }, fields: ['id', 'email', 'updated_at'] }];
      // stored as the server stores it: the schema cut down to the selected fields
      const catalog = catalogWithSelectedFields(
        {
          streams: [
            {
              stream: users,
              sync_mode: 'incremental',
              cursor_field: ['updated_at'],
              destination_sync_mode: 'append_dedup',
              primary_key: [['id']],
            },
          ],
        },
        fieldSelection,
      );
      const { connectionId } = await h.seedConnection({
        sourceConfig: { count: 200, records_per_state: 50 },
        catalog,
        fieldSelection,
        // a false "change" would be acted on: new columns propagated into the connection
        nonBreakingChangesPolicy: 'propagate_columns',
        destination: { runtime: { kind: 'builtin', name: 'destination-postgres' } },
        destinationConfig: { ...target.connection, schema: 'public', ssl_mode: { mode: 'disable' }, raw_data: true },
      });
      const { jobId } = await h.persistence.createJob(connectionId, 'manual', { kind: 'sync' });
      const result = await h.client.workflow.execute<typeof syncJobWorkflow>('syncJobWorkflow', {
        taskQueue: TRIBUTARY_TASK_QUEUE,
        workflowId: syncJobWorkflowId(jobId),
        args: [{ connectionId, jobId }],
      });
      expect(result.status, JSON.stringify(result.failures)).toBe('succeeded');
      expect(result.attempts[0]).toMatchObject({ recordsCommitted: 200 });

      const columns = await query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users' ORDER BY ordinal_position`,
      );
      expect(columns.map((c) => c.column_name).filter((c) => !c.startsWith('_airbyte_'))).toEqual(['id', 'email', 'updated_at']);
      const rows = await query<{ data: Record<string, unknown> }>(`SELECT _airbyte_data AS data FROM public.users`);
      expect(rows).toHaveLength(200);
      for (const { data } of rows) expect(Object.keys(data).sort()).toEqual(['email', 'id', 'updated_at']);

      // the cut schema is not taken for removed fields: nothing detected, nothing propagated
      const log = await readFile(join(h.dir, 'logs', connectionId, jobId, 'attempt-1.jsonl'), 'utf8');
      expect(log).toContain('schema: no changes since the connection was configured');
      const stored = await h.dataSource.getRepository(ConnectionEntity).findOneByOrFail({ id: connectionId });
      expect(stored.configuredCatalog).toEqual(catalog);
      expect(stored.fieldSelection).toEqual(fieldSelection);
    });
  });

  describe('schema changes', () => {
    const usersWith = (properties: Record<string, unknown>, cursor: string): ConfiguredAirbyteCatalog => {
      const catalog = sampleCatalog(['users']);
      catalog.streams[0]!.stream.json_schema = { type: 'object', properties };
      catalog.streams[0]!.cursor_field = [cursor];
      return catalog;
    };

    it('propagates new columns before the first attempt when the policy says so', async () => {
      const handle = await startJob({
        sourceConfig: { count: 100 },
        catalog: usersWith({ id: { type: 'integer' } }, 'updated_at'),
        nonBreakingChangesPolicy: 'propagate_columns',
      });
      const result = await handle.result();
      expect(result.status).toBe('succeeded');
      const { connectionId } = (await h.readJob(result.jobId)).job;
      const stored = await h.dataSource.getRepository(ConnectionEntity).findOneByOrFail({ id: connectionId });
      const columns = Object.keys((stored.configuredCatalog.streams[0]!.stream.json_schema as { properties: object }).properties);
      expect(columns).toEqual(expect.arrayContaining(['id', 'updated_at']));
      expect(columns.length).toBeGreaterThan(2);
      const discovered = await h.dataSource.getRepository(ActorCatalogEntity).findOneByOrFail({ id: stored.sourceCatalogId! });
      expect(discovered.catalog.streams.map((s) => s.name)).toContain('users');
      expect(stored.status).toBe('active');
    });

    it('sees no change in a schema stored as jsonb, nor in streams left unselected, and keeps the connection active', async () => {
      // every stream source-sample discovers; the connection syncs only users, with its nested objects
      const launcher = new ProcessLauncher({ installDir: connectorInstallDir(), tmpDir: h.dir, resolveBuiltin: resolveBuiltinConnector });
      const discovered = await launcher.discover(sourceSample, {}, { role: 'source' });
      if (!discovered.ok) throw new Error(discovered.failure.message);
      expect(discovered.value.streams.map((s) => s.name)).toEqual(['users', 'products', 'purchases']);
      const users = discovered.value.streams.find((s) => s.name === 'users')!;
      const catalog: ConfiguredAirbyteCatalog = {
        streams: [{ stream: users, sync_mode: 'incremental', cursor_field: ['updated_at'], destination_sync_mode: 'append_dedup', primary_key: [['id']] }],
      };
      const { connectionId, sourceId } = await h.seedConnection({
        sourceConfig: { count: 50, streams: ['users', 'products', 'purchases'] },
        catalog,
        // any change found would fail the job and disable the connection
        nonBreakingChangesPolicy: 'disable',
      });
      // configured from the whole discovered catalog, as the server records it
      const sourceCatalogId = await h.persistence.recordSourceCatalog(sourceId, discovered.value);
      await h.dataSource.getRepository(ConnectionEntity).update({ id: connectionId }, { sourceCatalogId });

      for (const _ of [1, 2]) {
        const result = await h.runSyncJob(connectionId);
        const { jobId } = result;
        expect(result.status, JSON.stringify(result.failures)).toBe('succeeded');
        const log = await readFile(join(h.dir, 'logs', connectionId, jobId, 'attempt-1.jsonl'), 'utf8');
        expect(log).toContain('schema: no changes since the connection was configured');
      }
      const stored = await h.dataSource.getRepository(ConnectionEntity).findOneByOrFail({ id: connectionId });
      expect(stored).toMatchObject({ status: 'active', statusReason: null });
      expect(stored.configuredCatalog.streams.map((s) => s.stream.name)).toEqual(['users']);
    });

    it('fails the job and disables the connection when the cursor field is gone', async () => {
      const handle = await startJob({
        sourceConfig: { count: 100 },
        catalog: usersWith({ id: { type: 'integer' }, legacy_cursor: { type: 'string' } }, 'legacy_cursor'),
        nonBreakingChangesPolicy: 'propagate_fully',
      });
      const result = await handle.result();
      expect(result.status).toBe('failed');
      expect(result.attempts).toHaveLength(1);
      expect(result.failures[0]).toMatchObject({
        origin: 'source',
        type: 'config_error',
        message: expect.stringContaining('legacy_cursor'),
      });
      const stored = await h.dataSource
        .getRepository(ConnectionEntity)
        .findOneByOrFail({ id: (await h.readJob(result.jobId)).job.connectionId });
      expect(stored.status).toBe('inactive');
      expect(stored.statusReason).toMatch(/breaking schema change: users: cursor field legacy_cursor/);
    });
  });
});
