/**
 * A fresh PostgreSQL database for an integration test, on the real server the test run
 * shares (started once by testing/src/vitest/postgres-setup.ts, or TRIBUTARY_TEST_DATABASE_URL).
 *
 *   import { createTestDatabase, type TestDatabase } from '@tributary/testing';
 *
 *   let db: TestDatabase;
 *   beforeAll(async () => { db = await createTestDatabase(); });
 *   afterAll(() => db.drop());
 *   // db.url: postgres://user@127.0.0.1:port/<fresh db>; db.connection: its parts
 *
 * Each call creates a new, uniquely named, empty database owned by the admin role, so
 * test files never see each other's tables; drop() removes it (connections included).
 * The admin role is a superuser: tests may create roles, schemas, ... in it freely.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** Point tests at an existing server instead of starting one: an admin (superuser) URL. */
export const TEST_DATABASE_URL_ENV = 'TRIBUTARY_TEST_DATABASE_URL';

declare module 'vitest' {
  export interface ProvidedContext {
    /** superuser URL of the test run's PostgreSQL server (see testing/src/vitest/postgres-setup.ts); '' if it did not start */
    postgresAdminUrl: string;
    /** why the server did not start, if it did not */
    postgresStartError?: string;
  }
}

/** Connection parts in the shape connector configs use. */
export interface DatabaseConnection {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
}

export interface TestDatabase {
  /** connection URL of the new database, as the admin role */
  url: string;
  /** the same, split into parts */
  connection: DatabaseConnection;
  /** the server's admin URL (database `postgres`), e.g. to create roles */
  adminUrl: string;
  /** drops the database, terminating any connection still open to it */
  drop(): Promise<void>;
}

/** The admin URL of the test server; throws when tests run outside the root Vitest config. */
export function testServerAdminUrl(): string {
  const url = process.env[TEST_DATABASE_URL_ENV] ?? inject('postgresAdminUrl');
  const startError = inject('postgresStartError');
  if (!url && startError) throw new Error(startError);
  if (!url) {
    throw new Error(
      `no test PostgreSQL server: run tests through the root vitest config (its globalSetup starts one) or set ${TEST_DATABASE_URL_ENV}`,
    );
  }
  return url;
}

export function connectionFromUrl(url: string): DatabaseConnection {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
    username: decodeURIComponent(u.username) || 'postgres',
    password: decodeURIComponent(u.password),
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** Runs `sql` on the admin database with a short-lived connection. */
export async function adminQuery(sql: string, adminUrl = testServerAdminUrl()): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database named `test_<label>_<random>`; call once per test file. */
export async function createTestDatabase(label = 'db'): Promise<TestDatabase> {
  const adminUrl = testServerAdminUrl();
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30);
  const name = `test_${safeLabel}_${randomBytes(6).toString('hex')}`;
  // template0: template1 may carry objects a previous test run created in it
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`, adminUrl);
  const url = withDatabase(adminUrl, name);
  return {
    url,
    connection: connectionFromUrl(url),
    adminUrl,
    async drop() {
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`, adminUrl);
    },
  };
}
