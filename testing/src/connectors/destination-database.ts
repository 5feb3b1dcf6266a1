/** Per-test-file setup of destination-postgres tests: a fresh database, a client, a connector config. */
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../postgres.js';

export interface DestinationDatabase {
  db: TestDatabase;
  /** a client on the fresh database, for assertions */
  client: pg.Client;
  /** destination-postgres config pointing at the fresh database, schema public */
  config: Record<string, unknown>;
}

/** Registers beforeAll/afterAll hooks; the returned object is filled in before the first test. */
export function useDestinationDatabase(label: string): DestinationDatabase {
  const t = {} as DestinationDatabase;
  beforeAll(async () => {
    t.db = await createTestDatabase(label);
    t.client = new pg.Client({ connectionString: t.db.url });
    await t.client.connect();
    t.config = { ...t.db.connection, schema: 'public', ssl_mode: { mode: 'disable' } };
  });
  afterAll(async () => {
    await t.client?.end();
    await t.db?.drop();
  });
  return t;
}
