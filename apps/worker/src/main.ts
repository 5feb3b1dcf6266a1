/**
 * Worker entry point: `node apps/worker/dist/main.js`. Reads TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE and TRIBUTARY_DATA_DIR, polls the task queue until
 * SIGINT/SIGTERM. Jobs are recorded in the interim file store under the data dir until
 * libs/db provides the Postgres implementation of JobPersistence.
 */
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { resolveBuiltinConnector } from '@tributary/connectors';
import { ProcessLauncher } from '@tributary/launcher';
import { createActivities } from './activities/index.js';
import { directoryAttemptLogs } from './attempt-logs.js';
import { createTributaryWorker } from './create-worker.js';
import { FileJobStore } from './file-job-store.js';
import { resolveWorkflowCode } from './workflow-code.js';
import { parseWorkerEnv, WorkerEnvError } from './worker-env.js';

async function main(): Promise<void> {
  const env = parseWorkerEnv();
  // the launcher makes per-run temp dirs inside this one
  await mkdir(join(env.dataDir, 'tmp'), { recursive: true });
  const launcher = new ProcessLauncher({
    installDir: join(env.dataDir, 'connectors'),
    tmpDir: join(env.dataDir, 'tmp'),
    resolveBuiltin: resolveBuiltinConnector,
  });
  const activities = createActivities({
    launcher,
    persistence: new FileJobStore(join(env.dataDir, 'job-store')),
    attemptLogs: directoryAttemptLogs(join(env.dataDir, 'logs')),
  });
  const connection = await NativeConnection.connect({ address: env.temporalAddress });
  const workflowCode = resolveWorkflowCode(env.workflowBundlePath);
  const worker = await createTributaryWorker({
    connection,
    namespace: env.temporalNamespace,
    taskQueue: env.temporalTaskQueue,
    activities,
    workflowCode,
    identity: `tributary-worker@${hostname()}:${process.pid}`,
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => worker.shutdown());
  console.log(
    JSON.stringify({
      level: 'info',
      msg: 'worker started',
      pid: process.pid,
      temporal: env.temporalAddress,
      namespace: env.temporalNamespace,
      taskQueue: env.temporalTaskQueue,
      workflows: 'bundlePath' in workflowCode ? 'prebuilt bundle' : 'bundled at start-up',
    }),
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  const message = err instanceof WorkerEnvError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  console.error(JSON.stringify({ level: 'fatal', msg: message }));
  process.exit(1);
});
