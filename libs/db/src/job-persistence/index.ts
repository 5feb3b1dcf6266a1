export { PostgresJobPersistence } from './postgres-job-persistence.js';
export { catalogHash, recordSourceCatalog } from './source-catalogs.js';
/** a job's end (and its notification), for maintenance that fails jobs outside a workflow */
export { finishJob } from './attempts.js';
export type { JobConfigSnapshot, ActorSnapshot } from './job-snapshot.js';
export { RUNNER_TOKEN_PREFIX, RUNNER_TOKEN_PATTERN, issueRunnerToken, saveRunnerOutcome, verifyRunnerToken } from './runner.js';
