/** Test fixture: a fresh database on the test server, migrated, with a DataSource open on it. */
import type { DataSource } from 'typeorm';
import { createDataSource } from '@tributary/db';
import { createTestDatabase, type TestDatabase } from '../postgres.js';

export interface MigratedDatabase {
  db: TestDatabase;
  dataSource: DataSource;
  /** closes the DataSource and drops the database */
  close(): Promise<void>;
}

export async function createMigratedDatabase(label = 'db'): Promise<MigratedDatabase> {
  const db = await createTestDatabase(label);
  const dataSource = await createDataSource({ url: db.url, applicationName: `tributary-test-${label}` }).initialize();
  try {
    await dataSource.runMigrations();
  } catch (err) {
    await dataSource.destroy();
    await db.drop();
    throw err;
  }
  return {
    db,
    dataSource,
    async close() {
      await dataSource.destroy();
      await db.drop();
    },
  };
}
