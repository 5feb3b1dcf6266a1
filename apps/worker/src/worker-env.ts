/**
 * The worker's environment, parsed in one place. To be replaced by libs/config's
 * workerEnvSchema once the worker persists to Postgres (that schema requires DATABASE_URL
 * and TRIBUTARY_SECRET_KEY, which the interim file job store has no use for). Fails with a message naming the bad variable.
 */
import { resolve } from 'node:path';
import { TRIBUTARY_TASK_QUEUE } from '@tributary/workflows';

export interface WorkerEnv {
  temporalAddress: string;
  temporalNamespace: string;
  temporalTaskQueue: string;
  /** connector virtualenvs, attempt logs, the interim file job store */
  dataDir: string;
  /** a prebuilt workflow bundle; default dist/workflow-bundle.js beside main.js */
  workflowBundlePath?: string;
}

export class WorkerEnvError extends Error {
  override name = 'WorkerEnvError';
}

export function parseWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const address = env.TEMPORAL_ADDRESS?.trim() || '127.0.0.1:7233';
  if (!/^[^\s:/]+:\d{1,5}$/.test(address)) throw new WorkerEnvError(`TEMPORAL_ADDRESS must be host:port, got ${JSON.stringify(address)}`);
  const namespace = env.TEMPORAL_NAMESPACE?.trim() || 'default';
  const taskQueue = env.TEMPORAL_TASK_QUEUE?.trim() || TRIBUTARY_TASK_QUEUE;
  // the defaults match libs/config's worker schema
  const dataDir = env.TRIBUTARY_DATA_DIR?.trim() || '.tributary/data';
  const bundle = env.TRIBUTARY_WORKFLOW_BUNDLE?.trim();
  return {
    temporalAddress: address,
    temporalNamespace: namespace,
    temporalTaskQueue: taskQueue,
    dataDir: resolve(dataDir),
    workflowBundlePath: bundle ? resolve(bundle) : undefined,
  };
}
