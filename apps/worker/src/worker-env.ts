/**
 * The worker's environment, from libs/config's shared parts (Temporal, data dir). Not yet
 * libs/config's workerEnvSchema: that one requires DATABASE_URL and TRIBUTARY_SECRET_KEY,
 * which the interim file job store has no use for. Fails with a message naming the bad variable.
 */
import { resolve } from 'node:path';
import { ConfigError, dataDirEnv, loadConfig, temporalEnv } from '@tributary/config';

export interface WorkerEnv {
  temporalAddress: string;
  temporalNamespace: string;
  temporalTaskQueue: string;
  /** connector virtualenvs, attempt logs, the interim file job store */
  dataDir: string;
  /** a prebuilt workflow bundle; default dist/workflow-bundle.js beside main.js */
  workflowBundlePath?: string;
}

/** A bad worker environment: libs/config's error, which names every bad variable. */
export { ConfigError as WorkerEnvError };

const interimWorkerEnv = temporalEnv.extend(dataDirEnv.shape);

export function parseWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = loadConfig(interimWorkerEnv, env);
  const bundle = env.TRIBUTARY_WORKFLOW_BUNDLE?.trim();
  return {
    temporalAddress: parsed.TEMPORAL_ADDRESS,
    temporalNamespace: parsed.TEMPORAL_NAMESPACE,
    temporalTaskQueue: parsed.TEMPORAL_TASK_QUEUE,
    dataDir: resolve(parsed.TRIBUTARY_DATA_DIR),
    workflowBundlePath: bundle ? resolve(bundle) : undefined,
  };
}
