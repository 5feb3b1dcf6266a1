/**
 * The worker's environment: libs/config's workerEnvSchema (database, secret key, Temporal,
 * data dir, log level) plus the optional prebuilt workflow bundle. Fails with libs/config's
 * ConfigError, which names every bad variable.
 */
import { resolve } from 'node:path';
import { ConfigError, loadConfig, workerEnvSchema, type WorkerConfig } from '@tributary/config';

export interface WorkerEnv {
  databaseUrl: string;
  /** TRIBUTARY_SECRET_KEY: decrypts connector configs */
  secretKey: Buffer;
  temporalAddress: string;
  temporalNamespace: string;
  temporalTaskQueue: string;
  /** connector virtualenvs, temp dirs, attempt logs */
  dataDir: string;
  logLevel: WorkerConfig['LOG_LEVEL'];
  /** a prebuilt workflow bundle; default dist/workflow-bundle.js beside main.js */
  workflowBundlePath?: string;
}

/** A bad worker environment: libs/config's error, which names every bad variable. */
export { ConfigError as WorkerEnvError };

export function parseWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = loadConfig(workerEnvSchema, env);
  const bundle = env.TRIBUTARY_WORKFLOW_BUNDLE?.trim();
  return {
    databaseUrl: parsed.DATABASE_URL,
    secretKey: parsed.TRIBUTARY_SECRET_KEY,
    temporalAddress: parsed.TEMPORAL_ADDRESS,
    temporalNamespace: parsed.TEMPORAL_NAMESPACE,
    temporalTaskQueue: parsed.TEMPORAL_TASK_QUEUE,
    dataDir: resolve(parsed.TRIBUTARY_DATA_DIR),
    logLevel: parsed.LOG_LEVEL,
    workflowBundlePath: bundle ? resolve(bundle) : undefined,
  };
}
