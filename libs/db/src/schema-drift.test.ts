import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';
import { createDataSource } from './data-source.js';
import { pendingSchemaChanges } from './schema-drift.js';
import { migrations } from '@tributary/migrations';

describe('migrations', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource({ url: db.url }).initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('create exactly the schema the entities describe (no entity/migration drift)', async () => {
    await dataSource.runMigrations();
    // any SQL here means an entity changed without a migration, or the other way round
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
  });

  it('have nothing left to run after running once, and revert cleanly', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
    // every migration, newest first
    for (let i = 0; i < migrations.length; i++) await dataSource.undoLastMigration();
    const tables = await dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'`,
    );
    expect(tables).toEqual([]);
    await dataSource.runMigrations();
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
  });
});
