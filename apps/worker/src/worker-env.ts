/**
 * The worker's environment, parsed in one place (to be replaced by libs/config's worker
 * schema once it lands). Fails with a message naming the bad variable.
 */
import { resolve } from 'node:path';

export interface WorkerEnv {
  temporalAddress: string;
  temporalNamespace: string;
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
  const dataDir = env.TRIBUTARY_DATA_DIR?.trim() || resolve('.tributary');
  const bundle = env.TRIBUTARY_WORKFLOW_BUNDLE?.trim();
  return { temporalAddress: address, temporalNamespace: namespace, dataDir: resolve(dataDir), workflowBundlePath: bundle ? resolve(bundle) : undefined };
}
