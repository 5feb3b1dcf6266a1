/**
 * Test harness: a real Temporal dev server, the real workflows (bundled from source) and
 * the real activities in this process, with the file job store and a temp dir.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { resolveBuiltinConnector } from '@tributary/connectors';
import { ProcessLauncher, type ConnectorDefinition } from '@tributary/launcher';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import type { ConnectionSchedule, NonBreakingChangesPolicy } from '@tributary/workflows';
import { connectorInstallDir } from '../../../../tools/testing/paths.js';
import { childPids } from '../../../../tools/testing/processes.js';
import { startTestTemporal, type TestTemporal } from '../../../../tools/testing/temporal.js';
import { createActivities } from '../activities/index.js';
import { directoryAttemptLogs } from '../attempt-logs.js';
import { createTributaryWorker } from '../create-worker.js';
import { FileJobStore } from '../file-job-store.js';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
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
  nonBreakingChangesPolicy?: NonBreakingChangesPolicy;
}

/** Stores a source-sample connection in the file job store. */
export function putSampleConnection(store: FileJobStore, connectionId: string, c: SampleConnection): Promise<void> {
  const streams = c.streams ?? ['users'];
  return store.putConnection(connectionId, {
    settings: { connectionId, status: 'active', schedule: c.schedule ?? { type: 'manual' } },
    sync: {
      source: { definition: sourceSample, config: { streams, ...c.sourceConfig } },
      destination: { definition: c.destination ?? devNull, config: c.destinationConfig ?? {} },
      catalog: c.catalog ?? sampleCatalog(streams),
      nonBreakingChangesPolicy: c.nonBreakingChangesPolicy,
    },
  });
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
  store: FileJobStore;
  dir: string;
  stop(): Promise<void>;
}

export async function startHarness(options: { worker?: boolean } = {}): Promise<Harness> {
  quietTemporalRuntime();
  const temporal = await startTestTemporal();
  const dir = await mkdtemp(join(tmpdir(), 'tributary-worker-test-'));
  try {
    return await startOn(temporal, dir, options);
  } catch (err) {
    // a failed set-up leaves nothing running (afterAll gets no harness to stop)
    await temporal.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startOn(temporal: TestTemporal, dir: string, options: { worker?: boolean }): Promise<Harness> {
  const store = new FileJobStore(join(dir, 'job-store'));
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let workerConnection: NativeConnection | undefined;
  if (options.worker !== false) {
    const launcher = new ProcessLauncher({ installDir: connectorInstallDir(), tmpDir: dir, resolveBuiltin: resolveBuiltinConnector });
    const activities = createActivities({ launcher, persistence: store, attemptLogs: directoryAttemptLogs(join(dir, 'logs')) });
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
    store,
    dir,
    async stop() {
      worker?.shutdown();
      await running?.catch(() => undefined);
      await workerConnection?.close();
      await connection.close();
      await temporal.stop();
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
  return descendants(pid).filter((p) => {
    try {
      return /source-sample|destination-(dev-null|jsonl|postgres)/.test(readFileSync(`/proc/${p}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
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
