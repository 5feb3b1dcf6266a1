/**
 * @tributary/testing: test support for every package, in one place and never shipped (it is
 * not built; tests load it from source). The core entry has the real components tests run
 * against (PostgreSQL, Temporal, MinIO); each area has its own entry:
 *   @tributary/testing/db          a migrated database, a seeded connection
 *   @tributary/testing/connectors  built connectors run as processes, catalogs, a destination database
 *   @tributary/testing/replication replicate() against the fake connector
 *   @tributary/testing/server      the API on a real database, with or without a worker process
 *   @tributary/testing/worker      real workflows and activities on a Temporal dev server
 *   @tributary/testing/cli         the tributary-sync CLI as a process
 *   @tributary/testing/stack       the whole stack as processes, driven through the HTTP API
 * Fixture programs (fake connectors, helper processes) are in testing/fixtures/ (fixturePath).
 */
export { cacheDir, connectorInstallDir, fixturePath, repoRoot } from './paths.js';
export { freePort } from './ports.js';
export { adminQuery, connectionFromUrl, createTestDatabase, testServerAdminUrl, TEST_DATABASE_URL_ENV, type DatabaseConnection, type TestDatabase } from './postgres.js';
export { childPids, isAlive, openFiles } from './processes.js';
export { minioServer, startTestMinio, type TestMinio } from './minio.js';
export { startTestTemporal, type TestTemporal } from './temporal.js';
export { waitFor } from './wait-for.js';
export { capturedLogger } from './captured-logger.js';
export { promSample } from './prometheus.js';
export { messagesOf, pausingReader } from './protocol-output.js';
