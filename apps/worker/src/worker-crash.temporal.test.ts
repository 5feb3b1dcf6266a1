// kill -9 of the worker process mid-sync: a new worker process picks the job up, the next
// attempt resumes from the last committed state, and no record is lost. The workers are
// the production entry point (node apps/worker/dist/main.js), built before the test.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { PostgresJobPersistence } from '@tributary/db';
import { createMigratedDatabase, type MigratedDatabase } from '@tributary/testing/db';
import { TRIBUTARY_TASK_QUEUE, syncJobWorkflowId } from '@tributary/workflows';
import type { syncJobWorkflow } from '@tributary/workflows/workflows';
import { isAlive, openFiles, repoRoot, startTestTemporal, waitFor, type TestTemporal } from '@tributary/testing';
import { seedConnection } from '@tributary/testing/db';
import { fakeConnector } from '@tributary/testing/replication';
import { descendants, jsonl, jsonlRecordIds, sampleCatalog, seedSampleConnection } from '@tributary/testing/worker';

const run = promisify(execFile);
const RECORDS = 4000;

describe('worker crash', () => {
  let temporal: TestTemporal;
  let database: MigratedDatabase;
  const secretKey = randomBytes(32);
  let dataDir: string;
  let client: Client;
  const workers: ChildProcess[] = [];
  const outputs: (() => string)[] = [];

  beforeAll(async () => {
    // the spawned workers run the compiled code and the prebuilt workflow bundle, like in
    // production: bring both up to date (tsc is incremental; bundling takes a second or two)
    await run('npx', ['tsc', '-b', 'apps/worker'], { cwd: repoRoot });
    await run(process.execPath, [join(repoRoot, 'apps/worker/dist/bundle-workflows.js')], { cwd: repoRoot });
    temporal = await startTestTemporal();
    database = await createMigratedDatabase('worker_crash');
    dataDir = await mkdtemp(join(tmpdir(), 'tributary-worker-crash-'));
    client = new Client({ connection: await Connection.connect({ address: temporal.address }), namespace: temporal.namespace });
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') for (const o of outputs) console.error(o().slice(-3000));
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await client?.connection.close();
    await temporal?.stop();
    await database?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  function startWorker(): ChildProcess {
    const worker = spawn(process.execPath, [join(repoRoot, 'apps/worker/dist/main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: database.db.url,
        TRIBUTARY_SECRET_KEY: secretKey.toString('hex'),
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: temporal.namespace,
        TRIBUTARY_DATA_DIR: dataDir,
        // the fixture connector is a command
        TRIBUTARY_ALLOW_COMMAND_CONNECTORS: 'true',
        TRIBUTARY_METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout?.on('data', (c: Buffer) => void (output += c.toString()));
    worker.stderr?.on('data', (c: Buffer) => void (output += c.toString()));
    worker.once('exit', (code, signal) => {
      if (code) console.error(`worker ${worker.pid} exited with ${code ?? signal}: ${output.slice(-2000)}`);
    });
    outputs.push(() => output);
    workers.push(worker);
    return worker;
  }

  /** The job's workflow, started as the API starts it (a short heartbeat timeout: a killed worker is noticed soon). */
  const startSyncWorkflow = (connectionId: string, jobId: string, options: { heartbeatTimeoutMs?: number } = {}) =>
    client.workflow.start<typeof syncJobWorkflow>('syncJobWorkflow', {
      taskQueue: TRIBUTARY_TASK_QUEUE,
      workflowId: syncJobWorkflowId(jobId),
      args: [{ connectionId, jobId, ...options }],
    });

  it('resumes from the last committed state after the worker is killed, with no record lost', async () => {
    const store = new PostgresJobPersistence(database.dataSource, secretKey);
    // the destination runs as the connector user (nobody, under a root worker): it needs a dir it may write
    const out = join(dataDir, 'out');
    await mkdir(out);
    await chmod(out, 0o777);
    const { connectionId } = await seedSampleConnection(database.dataSource, secretKey, {
      sourceConfig: { count: RECORDS, records_per_state: 100, records_per_batch: 20, sleep_ms_per_batch: 25 },
      destination: jsonl,
      destinationConfig: { destination_path: out },
    });
    const { jobId } = await store.createJob(connectionId, 'manual', { kind: 'sync' });
    const first = startWorker();
    const handle = await startSyncWorkflow(connectionId, jobId, { heartbeatTimeoutMs: 3000 });

    // kill -9 once some state is committed, well before the end
    const offsetAtKill = await waitFor(
      'a committed state',
      async () => {
        const offset = ((await store.loadState(connectionId))?.[0]?.stream?.stream_state as { offset?: number } | undefined)?.offset;
        return offset !== undefined && offset >= 1500 ? offset : undefined;
      },
      60_000,
    );
    expect(offsetAtKill).toBeLessThan(RECORDS);
    const connectors = descendants(first.pid!);
    first.kill('SIGKILL');
    // connectors notice their parent is gone (closed pipes) and exit
    await waitFor('the killed worker’s connectors to exit', () => connectors.every((p) => !isAlive(p)) || undefined, 20_000);

    startWorker();
    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    expect(result.attempts.map((a) => a.status)).toEqual(['failed', 'succeeded']);
    expect(result.attempts[0]!.failures[0]).toMatchObject({ origin: 'platform' });
    // the lost worker's last heartbeat (sent at most once a second) told the workflow that
    // records were committed: a partial failure, retried at once without backoff
    expect(result.attempts[0]!.recordsCommitted).toBeGreaterThan(0);
    // the second attempt started from the committed offset, not from zero
    expect(result.attempts[1]!.recordsCommitted).toBeLessThanOrEqual(RECORDS - offsetAtKill);

    const ids = await jsonlRecordIds(out, 'users');
    expect(new Set(ids).size).toBe(RECORDS);
  }, 180_000);

  it('loses nothing when killed while records wait in its spill file, and leaves no file behind', async () => {
    const store = new PostgresJobPersistence(database.dataSource, secretKey);
    const out = join(dataDir, 'spilled');
    await mkdir(out);
    await chmod(out, 0o777);
    const outFile = join(out, 'out.jsonl');
    const records = 2000;
    // 20 MB from a fast source into a destination that takes ~6 MB/s: most of it waits in the file
    const { connectionId } = await seedConnection(database.dataSource, secretKey, {
      source: { ...fakeConnector, config: { streams: [{ name: 'users', records }], payloadBytes: 10_000, stateEvery: 100 } },
      destination: { ...fakeConnector, config: { outFile, slowMs: 10 } },
      catalog: sampleCatalog(['users']),
    });
    const { jobId } = await store.createJob(connectionId, 'manual', { kind: 'sync' });
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    const first = startWorker();
    const handle = await startSyncWorkflow(connectionId, jobId, { heartbeatTimeoutMs: 3000 });
    // the spill file in use: open in the worker, already without a name
    const spilling = async () =>
      (await openFiles(first.pid!)).some((f) => f.target.includes('tributary-spill-') && f.target.endsWith('(deleted)'));
    const committed = async () =>
      ((await store.loadState(connectionId))?.[0]?.stream?.stream_state as { cursor?: number } | undefined)?.cursor;
    await waitFor('the worker to spill after a commit', async () => ((await spilling()) && (await committed()) !== undefined) || undefined, 60_000, 10);
    // a heartbeat (one a second) tells the workflow that records were committed: the retry then comes at once
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await spilling()).toBe(true);
    const committedAtKill = (await committed())!;
    expect(committedAtKill).toBeLessThan(records);
    const connectors = descendants(first.pid!);
    first.kill('SIGKILL');
    await waitFor('the killed worker’s connectors to exit', () => connectors.every((p) => !isAlive(p)) || undefined, 20_000);
    expect((await readdir(join(dataDir, 'tmp'))).filter((f) => f.startsWith('tributary-spill-'))).toEqual([]);

    startWorker();
    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    expect(result.attempts.at(-1)!.status).toBe('succeeded');
    // every record reached the destination (the retry re-sent what was not committed)
    const ids = (await readFile(outFile, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { record: { data: { id: number } } }).record.data.id);
    expect(new Set(ids).size).toBe(records);
    expect(Math.max(...ids)).toBe(records);
    expect((await readdir(join(dataDir, 'tmp'))).filter((f) => f.startsWith('tributary-spill-'))).toEqual([]);
  }, 180_000);

  it('takes its connectors down with it: a source waiting on its API does not live on', async () => {
    const store = new PostgresJobPersistence(database.dataSource, secretKey);
    // ten records, then twenty seconds of "waiting for the API": a source in that wait notices
    // nothing of a dead worker (its next write would fail, twenty seconds on)
    const orphans = join(dataDir, 'orphans');
    await mkdir(orphans);
    await chmod(orphans, 0o777);
    const { connectionId } = await seedConnection(database.dataSource, secretKey, {
      source: { ...fakeConnector, config: { streams: [{ name: 'users', records: 1000 }], delayMs: 20_000, delayEvery: 10 } },
      destination: { ...jsonl, config: { destination_path: orphans } },
      catalog: sampleCatalog(['users']),
    });
    const { jobId } = await store.createJob(connectionId, 'manual', { kind: 'sync' });
    // only this test's worker may take the job
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    const worker = startWorker();
    const handle = await startSyncWorkflow(connectionId, jobId);
    try {
      const connectors = await waitFor('both connectors', () => (descendants(worker.pid!).length >= 2 ? descendants(worker.pid!) : undefined), 60_000);
      worker.kill('SIGKILL');
      await waitFor('the connectors to die with the worker', () => connectors.every((p) => !isAlive(p)) || undefined, 5_000);
    } finally {
      await handle.terminate('test over');
    }
  }, 120_000);
});
