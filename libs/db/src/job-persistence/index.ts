export { PostgresJobPersistence } from './postgres-job-persistence.js';
export { catalogHash, recordSourceCatalog } from './source-catalogs.js';
export type { JobConfigSnapshot, ActorSnapshot } from './job-snapshot.js';
