/**
 * A real Tributary worker for server tests: `node apps/worker/dist/main.js` on its own task
 * queue, over the server harness's database and secret key, as it runs in production.
 * Build it first: `npx tsc -b tsconfig.build.json && npm run bundle -w @tributary/worker`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { repoRoot } from '../paths.js';
import { stopChild } from '../processes.js';
import { waitFor } from '../wait-for.js';

export const WORKER_MAIN = join(repoRoot, 'apps/worker/dist/main.js');
const WORKFLOW_BUNDLE = join(repoRoot, 'apps/worker/dist/workflow-bundle.js');

export interface WorkerProcess {
  child: ChildProcess;
  /** its TRIBUTARY_DATA_DIR (attempt logs, connector installs); removed by stop() */
  dataDir: string;
  /** everything it wrote (stdout and stderr), for failure messages */
  output(): string;
  stop(): Promise<void>;
}

export interface WorkerProcessOptions {
  temporal: { address: string; namespace: string };
  taskQueue: string;
  databaseUrl: string;
  secretKey: Buffer;
  /** the server's client: used to wait until the worker polls */
  client: Client;
  /** the server's log storage directory, which a worker must share (default: one of its own, which it refuses once another worker registered the server's) */
  storageDir?: string;
  /** more environment for the worker (e.g. TRIBUTARY_CONNECTOR_USER) */
  env?: Record<string, string>;
}

export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  for (const file of [WORKER_MAIN, WORKFLOW_BUNDLE]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npx tsc -b tsconfig.build.json && npm run bundle -w @tributary/worker`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'tributary-worker-'));
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      TEMPORAL_ADDRESS: options.temporal.address,
      TEMPORAL_NAMESPACE: options.temporal.namespace,
      TEMPORAL_TASK_QUEUE: options.taskQueue,
      TRIBUTARY_DATA_DIR: dataDir,
      ...(options.storageDir ? { TRIBUTARY_STORAGE_DIR: options.storageDir } : {}),
      LOG_LEVEL: 'warn',
      // the server tests' connectors are fixture programs run as commands (the runtime under test)
      TRIBUTARY_ALLOW_COMMAND_CONNECTORS: 'true',
      // the secrets on stdin, as the embedded stack passes them: never in the worker's /proc/<pid>/environ
      TRIBUTARY_ENV_STDIN: '1',
      // /metrics on a free port: tests run many workers at once (give it a port to scrape it)
      TRIBUTARY_METRICS_PORT: '0',
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(`DATABASE_URL=${options.databaseUrl}\nTRIBUTARY_SECRET_KEY=${options.secretKey.toString('base64')}\n`);
  // a test process that dies without afterAll must not leave the worker polling
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let out = '';
  const keep = (chunk: Buffer) => void (out = (out + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    process.off('exit', killOnExit);
    await stopChild(child, 15_000);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilPolling(options, child, () => out);
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, dataDir, output: () => out, stop };
}

/** Until Temporal has seen the worker poll both sides of its task queue. */
async function waitUntilPolling(
  options: WorkerProcessOptions,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 60_000,
): Promise<void> {
  const describe = (taskQueueType: number) =>
    options.client.workflowService.describeTaskQueue({
      namespace: options.temporal.namespace,
      taskQueue: { name: options.taskQueue, kind: 1 },
      taskQueueType,
    });
  await waitFor(
    () => `the worker to poll ${options.taskQueue}: ${output()}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`the worker exited with code ${child.exitCode}: ${output()}`);
      const [workflows, activities] = await Promise.all([describe(1), describe(2)]);
      return (workflows.pollers?.length ?? 0) > 0 && (activities.pollers?.length ?? 0) > 0 ? true : undefined;
    },
    timeoutMs,
    200,
  );
}
