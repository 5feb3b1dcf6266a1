/**
 * The full stack for server tests that need a worker: a Temporal dev server, the API harness
 * on a fresh task queue, and a real worker process polling that queue over the harness's
 * database and secret key.
 */
import { randomUUID } from 'node:crypto';
import { startTestTemporal, type TestTemporal } from '../temporal.js';
import { startApiHarness, type ApiHarness, type ApiHarnessOptions } from './api-harness.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

export interface ServerWithWorker {
  temporal: TestTemporal;
  api: ApiHarness;
  worker: WorkerProcess;
  taskQueue: string;
  /** stops the worker, then the API, then Temporal */
  stop(): Promise<void>;
}

/** `label` prefixes the task queue so a test's workflows are easy to spot in Temporal. */
export async function startServerWithWorker(
  label: string,
  workerEnv?: Record<string, string>,
  apiOptions: Omit<ApiHarnessOptions, 'temporal'> = {},
): Promise<ServerWithWorker> {
  const taskQueue = `${label}-${randomUUID()}`;
  const temporal = await startTestTemporal();
  let api: ApiHarness | undefined;
  try {
    api = await startApiHarness({ ...apiOptions, temporal: { address: temporal.address, namespace: temporal.namespace, taskQueue } });
    const worker = await startWorkerProcess({
      temporal,
      taskQueue,
      databaseUrl: api.databaseUrl,
      secretKey: api.secretKey,
      client: api.temporalClient,
      // attempt logs go where the server reads them, as in production
      storageDir: api.storage.rootDir,
      ...(workerEnv ? { env: workerEnv } : {}),
    });
    const started = api;
    return {
      temporal,
      api: started,
      worker,
      taskQueue,
      async stop() {
        await worker.stop();
        await started.close();
        await temporal.stop();
      },
    };
  } catch (err) {
    // a half-started stack must not leak processes into the rest of the run
    await api?.close();
    await temporal.stop();
    throw err;
  }
}
