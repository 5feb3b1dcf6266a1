export { createDataSource, closeWhenIdle, MIGRATIONS_TABLE, type DataSourceOptions } from './data-source.js';
export { pendingSchemaChanges } from './schema-drift.js';
export * from './entities/index.js';
export * from './secrets/index.js';
export { activeJobOf } from './active-job.js';
export { preparedQuery } from './prepared-query.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { newApiToken, hashApiToken, tokenMatchesHash, API_TOKEN_PREFIX, type NewApiToken } from './api-tokens.js';
export {
  PostgresJobPersistence,
  catalogHash,
  recordSourceCatalog,
  finishJob,
  RUNNER_TOKEN_PREFIX,
  RUNNER_TOKEN_PATTERN,
  issueRunnerToken,
  saveRunnerOutcome,
  verifyRunnerToken,
  type JobConfigSnapshot,
  type ActorSnapshot,
} from './job-persistence/index.js';
export { parseStateMessages, stateTypeOf, withoutStreams } from './state/state-messages.js';
export { ConfigValidator } from './config-validation.js';
export { enqueueNotification, toCloudEvent, type CloudEvent, type NotificationFacts } from './notifications/outbox.js';
export {
  registerReadStorage,
  registeredStorage,
  encodeAttemptLogLocation,
  decodeAttemptLogLocation,
  recordAttemptLogLocation,
  STORAGE_METADATA_KEY,
  type StorageIdentity,
  type AttemptLogLocation,
} from './storage-registration.js';
export { seedDefinitions, type SeedDefinition, type SeedResult, type SpecFetcher } from './seed-definitions.js';
