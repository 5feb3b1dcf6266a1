/** `@tributary/testing/db`: a migrated database, and a connection seeded the way the server writes one. */
export {
  seedConnection,
  updateActorConfig,
  type SeedActor,
  type SeedConnectionOptions,
  type SeededConnection,
} from './seed-connection.js';
export { databaseText } from './database-text.js';
export { createMigratedDatabase, type MigratedDatabase } from './migrated-database.js';
