/** @tributary/worker: the Temporal worker's building blocks (main.ts wires them). */
export { createActivities, type ActivityDeps } from './activities/index.js';
export { createTributaryWorker, type TributaryWorkerOptions } from './create-worker.js';
export { resolveWorkflowCode, workflowsEntryPath, type WorkflowCode } from './workflow-code.js';
export { storageAttemptLogs, type AttemptLogs, type AttemptLogWriter } from './attempt-logs.js';
export { attemptFailure } from './attempt-failure.js';
export { parseWorkerEnv, type WorkerEnv } from './worker-env.js';
