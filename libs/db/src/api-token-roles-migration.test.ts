import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';
import { migrations } from '@tributary/migrations';
import { createDataSource } from './data-source.js';

describe('the api token roles migration', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it('makes the tokens of an existing install instance admins, so they keep working as before', async () => {
    const index = migrations.findIndex((m) => m.name === 'ApiTokenRoles1764300000000');
    expect(index).toBeGreaterThan(0);
    const before = await createDataSource({ url: db.url, migrations: migrations.slice(0, index) }).initialize();
    await before.runMigrations();
    await before.query(`INSERT INTO api_token (name, token_hash, prefix) VALUES ('ci', 'h1', 'trb_1'), ('admin', 'h2', 'trb_2')`);
    await before.destroy();

    const after = await createDataSource({ url: db.url }).initialize();
    try {
      await after.runMigrations();
      expect(await after.query(`SELECT name, role, workspace_id FROM api_token ORDER BY name`)).toEqual([
        { name: 'admin', role: 'instance_admin', workspace_id: null },
        { name: 'ci', role: 'instance_admin', workspace_id: null },
      ]);
      // new tokens name their role: there is no default to fall back on
      await expect(after.query(`INSERT INTO api_token (name, token_hash, prefix) VALUES ('new', 'h3', 'trb_3')`)).rejects.toThrow(/role/);
    } finally {
      await after.destroy();
    }
  });
});
