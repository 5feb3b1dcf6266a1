/** `@tributary/db/testing`: fixtures for tests of any package (never imported by production code). */
export {
  seedConnection,
  updateActorConfig,
  type SeedActor,
  type SeedConnectionOptions,
  type SeededConnection,
} from './seed-connection.testing.js';
export { createMigratedDatabase, type MigratedDatabase } from './migrated-database.testing.js';
