/**
 * @tributary/workflows: the contracts between the server and the worker (task queue,
 * workflow ids and types, signals/queries/updates, inputs and outputs, the activity and
 * persistence interfaces) and pure helpers (schedules, retry policy). The workflow
 * implementations are a separate entry, `@tributary/workflows/workflows`, loaded only by
 * the worker's bundler.
 */
export * from './task-queues.js';
export * from './ids.js';
export * from './connector-command-contract.js';
export * from './sync-job-contract.js';
export * from './connection-contract.js';
export * from './signals.js';
export type * from './activities.js';
export type * from './job-persistence.js';
export { nextRunAt, validateSchedule } from './schedule.js';
export { parseCron, nextCronTime, CronError, type CronExpression } from './cron.js';
export { describeNextStep, nextStepAfterFailure, completeFailureBackoffMs, resolveRetryPolicy, type NextStep } from './retry-policy.js';
export {
  diffCatalog,
  propagateChanges,
  hasChanges,
  type CatalogDiff,
  type StreamSchemaChange,
  type NonBreakingChangesPolicy,
} from './schema-change.js';
export { attemptOutcome, attemptOutcomeOfProgress } from './attempt-outcome.js';
