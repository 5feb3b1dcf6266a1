/**
 * Test harness: a real Temporal dev server, the real workflows (bundled from source) and
 * the real activities in this process, with Postgres persistence on a fresh migrated
 * database, attempt logs in a temp dir.
 */
import type { StreamFieldSelection } from '@tributary/domain';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { resolveBuiltinConnector } from '@tributary/connectors';
import { AttemptEntity, JobEntity, PostgresJobPersistence } from '@tributary/db';
import { createMigratedDatabase, seedConnection, type MigratedDatabase, type SeededConnection } from '../db/index.js';
import { ProcessLauncher, type ConnectorDefinition } from '@tributary/launcher';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { LocalDirStorage } from '@tributary/storage';
import {
  TRIBUTARY_TASK_QUEUE,
  syncJobWorkflowId,
  type ConnectionSchedule,
  type NonBreakingChangesPolicy,
  type SyncJobInput,
  type SyncJobResult,
  type SyncJobWorkflow,
} from '@tributary/workflows';
import { createActivities, createTributaryWorker, storageAttemptLogs, type ActivityDeps } from '@tributary/worker';
import { connectorInstallDir, repoRoot } from '../paths.js';
import { childPids } from '../processes.js';
import { startTestTemporal, type TestTemporal } from '../temporal.js';

type DataSource = MigratedDatabase['dataSource'];

export const workflowsSourcePath = join(repoRoot, 'libs/workflows/src/workflows/index.ts');

export const sourceSample: ConnectorDefinition = { runtime: { kind: 'builtin', name: 'source-sample' } };
export const devNull: ConnectorDefinition = { runtime: { kind: 'builtin', name: 'destination-dev-null' } };
export const jsonl: ConnectorDefinition = { runtime: { kind: 'builtin', name: 'destination-jsonl' } };

export function sampleCatalog(streams: string[], destinationSyncMode: 'append' | 'overwrite' = 'append'): ConfiguredAirbyteCatalog {
  return {
    streams: streams.map((name) => ({
      stream: { name, json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh', 'incremental'], source_defined_cursor: true },
      sync_mode: 'incremental',
      cursor_field: ['updated_at'],
      destination_sync_mode: destinationSyncMode,
    })),
  };
}

export interface SampleConnection {
  sourceConfig: Record<string, unknown>;
  destination?: ConnectorDefinition;
  destinationConfig?: Record<string, unknown>;
  streams?: string[];
  schedule?: ConnectionSchedule;
  /** default: sampleCatalog(streams) */
  catalog?: ConfiguredAirbyteCatalog;
  /** default: none (every field of every stream) */
  fieldSelection?: StreamFieldSelection[];
  /** default: ignore (changes are detected and recorded, nothing else) */
  nonBreakingChangesPolicy?: NonBreakingChangesPolicy;
}

/** Stores a source-sample connection (with its actors and definitions) in the database. */
export function seedSampleConnection(dataSource: DataSource, secretKey: Buffer, c: SampleConnection): Promise<SeededConnection> {
  const streams = c.streams ?? ['users'];
  return seedConnection(dataSource, secretKey, {
    source: { ...sourceSample, config: { streams, ...c.sourceConfig } },
    destination: { ...(c.destination ?? devNull), config: c.destinationConfig ?? {} },
    catalog: c.catalog ?? sampleCatalog(streams),
    fieldSelection: c.fieldSelection,
    schedule: c.schedule,
    nonBreakingChangesPolicy: c.nonBreakingChangesPolicy,
  });
}

/** A job row and its attempts, oldest first. */
export async function readJob(dataSource: DataSource, jobId: string): Promise<{ job: JobEntity; attempts: AttemptEntity[] }> {
  const job = await dataSource.getRepository(JobEntity).findOneByOrFail({ id: jobId });
  const attempts = await dataSource.getRepository(AttemptEntity).find({ where: { jobId }, order: { attemptNumber: 'ASC' } });
  return { job, attempts };
}

let runtimeInstalled = false;
/** Quiet SDK logs (once per process: the runtime can only be installed before first use). */
export function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

export interface Harness {
  temporal: TestTemporal;
  client: Client;
  dataSource: DataSource;
  secretKey: Buffer;
  persistence: PostgresJobPersistence;
  /** temp dir: attempt logs under logs/ (libs/storage keys), connector temp dirs */
  dir: string;
  seedConnection(c: SampleConnection): Promise<SeededConnection>;
  /** creates a sync job on the connection and runs its workflow to the end (options: e.g. a retry policy) */
  runSyncJob(connectionId: string, options?: Partial<SyncJobInput>): Promise<SyncJobResult>;
  readJob(jobId: string): Promise<{ job: JobEntity; attempts: AttemptEntity[] }>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** default true: run a worker in this process */
  worker?: boolean;
  /** how the worker retries saving committed state (default: the worker's own) */
  stateSaveRetry?: ActivityDeps['stateSaveRetry'];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  quietTemporalRuntime();
  const temporal = await startTestTemporal();
  let database: MigratedDatabase | undefined;
  const dir = await mkdtemp(join(tmpdir(), 'tributary-worker-test-'));
  try {
    database = await createMigratedDatabase('worker');
    return await startOn(temporal, database, dir, options);
  } catch (err) {
    // a failed set-up leaves nothing running (afterAll gets no harness to stop)
    await temporal.stop();
    await database?.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startOn(temporal: TestTemporal, database: MigratedDatabase, dir: string, options: HarnessOptions): Promise<Harness> {
  const { dataSource } = database;
  const secretKey = randomBytes(32);
  const persistence = new PostgresJobPersistence(dataSource, secretKey);
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let workerConnection: NativeConnection | undefined;
  if (options.worker !== false) {
    const launcher = new ProcessLauncher({ installDir: connectorInstallDir(), tmpDir: dir, resolveBuiltin: resolveBuiltinConnector });
    const activities = createActivities({
      launcher,
      secretKey,
      persistence,
      attemptLogs: storageAttemptLogs(new LocalDirStorage(dir)),
      ...(options.stateSaveRetry ? { stateSaveRetry: options.stateSaveRetry } : {}),
    });
    workerConnection = await NativeConnection.connect({ address: temporal.address });
    worker = await createTributaryWorker({
      connection: workerConnection,
      namespace: temporal.namespace,
      activities,
      workflowCode: { workflowsPath: workflowsSourcePath },
    });
    running = worker.run();
  }
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: temporal.namespace });
  return {
    temporal,
    client,
    dataSource,
    secretKey,
    persistence,
    dir,
    seedConnection: (c) => seedSampleConnection(dataSource, secretKey, c),
    async runSyncJob(connectionId, options = {}) {
      const { jobId } = await persistence.createJob(connectionId, 'manual', { kind: 'sync' });
      return client.workflow.execute<SyncJobWorkflow>('syncJobWorkflow', {
        taskQueue: TRIBUTARY_TASK_QUEUE,
        workflowId: syncJobWorkflowId(jobId),
        args: [{ ...options, connectionId, jobId }],
      });
    },
    readJob: (jobId) => readJob(dataSource, jobId),
    async stop() {
      worker?.shutdown();
      await running?.catch(() => undefined);
      await workerConnection?.close();
      await connection.close();
      await temporal.stop();
      await database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every descendant of `pid` (children, grandchildren, ...). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of childPids(queue.shift()!)) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** Descendants of this process running a builtin connector. */
export function connectorProcesses(pid = process.pid): number[] {
  return descendants(pid).filter((p) => /source-sample|destination-(dev-null|jsonl|postgres)/.test(commandLine(p)));
}

/** Those of connectorProcesses() that read or write: a sync's, without the checks and discover a job runs beside them. */
export function syncConnectorProcesses(pid = process.pid): number[] {
  return connectorProcesses(pid).filter((p) => {
    const args = commandLine(p).split('\0');
    return args.includes('read') || args.includes('write');
  });
}

/** A process's arguments, NUL-separated ('' once it is gone). */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** Ids of the records destination-jsonl wrote for a stream, under `dir`. */
export async function jsonlRecordIds(dir: string, stream: string): Promise<number[]> {
  const ids: number[] = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    if (!String(entry).endsWith(`${stream}.jsonl`)) continue;
    for (const line of (await readFile(join(dir, String(entry)), 'utf8')).split('\n')) {
      if (line) ids.push((JSON.parse(line) as { _airbyte_data: { id: number } })._airbyte_data.id);
    }
  }
  return ids;
}
