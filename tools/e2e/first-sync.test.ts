// From an empty database to synced rows, through the HTTP API only: the real PyPI
// connector airbyte-source-faker into destination-postgres, then an incremental sync, a
// clear of one stream, a bad config, and a planted secret that must never leak.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, createPostgresDestination, createSource, discover, ok, syncAndWait, workspaceId, definitionId } from '@tributary/testing/stack';
import { startE2eStack, type E2eStack } from '@tributary/testing/stack';

const SECRET = 'planted-Secret-5f3a9c-do-not-leak';
const SCHEMA = 'faker_e2e';

describe('from nothing to a synced connection through the API', () => {
  let stack: E2eStack;
  let db: pg.Client;
  /** every API response body seen, to look for the secret */
  const responses: string[] = [];
  let connectionId: string;

  beforeAll(async () => {
    stack = await startE2eStack('first-sync');
    const request = stack.request.bind(stack);
    stack.request = async (method, path, body) => {
      const res = await request(method, path, body);
      responses.push(JSON.stringify(res.body));
      return res;
    };
    db = new pg.Client({ connectionString: stack.db.url });
    await db.connect();
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.error(stack?.diagnostics());
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM "${SCHEMA}"."${table}"`)).rows[0].n);

  it('a bad source config gets a 422 naming the field, and nothing is saved', async () => {
    const body = {
      workspaceId: await workspaceId(stack),
      definitionId: await definitionId(stack, 'source', 'source-faker'),
      name: 'bad faker',
      configuration: { count: 'many' },
    };
    const res = await stack.request('POST', '/api/v1/sources', body);
    expect(res.status).toBe(422);
    expect(res.contentType).toContain('application/problem+json');
    expect(JSON.stringify(res.body)).toContain('/configuration/count');
    const sources = await ok(stack, 'GET', '/api/v1/sources');
    expect((sources.data as unknown[]).length).toBe(0);
  });

  it('creates a faker source, a Postgres destination and a connection, and the first sync lands every record', async () => {
    const sourceId = await createSource(stack, 'source-faker', 'faker', { count: 300, seed: 7, records_per_slice: 100, always_updated: false });
    const destinationId = await createPostgresDestination(stack, stack.db.connection, SCHEMA, SECRET);
    const catalog = await discover(stack, sourceId);
    expect(catalog.streams.map((s) => s.name).sort()).toEqual(['products', 'purchases', 'users']);
    connectionId = await createConnection(stack, sourceId, destinationId, [
      { name: 'users', syncMode: 'incremental_dedup' },
      { name: 'products', syncMode: 'full_refresh_overwrite' },
    ]);

    const job = await syncAndWait(stack, connectionId);
    const stats = job.attempts.at(-1)!.stats!;
    const committed = Object.fromEntries(stats.streams.map((s) => [s.name, s.recordsCommitted]));
    expect(committed.users).toBe(300);
    expect(await count('users')).toBe(300);
    expect(await count('products')).toBe(committed.products);
    expect(committed.products).toBeGreaterThan(0);
    // typed columns from the stream's JSON schema
    const columns = await db.query(`SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'users' AND column_name = 'id'`, [
      SCHEMA,
    ]);
    expect(columns.rows[0].data_type).toBe('bigint');
  });

  it('the second sync is incremental: it starts from the committed state and keeps one row per user', async () => {
    const state = await ok(stack, 'GET', `/api/v1/connections/${connectionId}/state`);
    expect(JSON.stringify(state)).toContain('users');
    const job = await syncAndWait(stack, connectionId);
    const users = job.attempts.at(-1)!.stats!.streams.find((s) => s.name === 'users');
    // with always_updated off, nothing changed after the saved cursor; a full re-read would be 300 again
    expect(users?.recordsEmitted ?? 0).toBe(0);
    expect(await count('users')).toBe(300);
  });

  it('clearing one stream empties its table and its state, and leaves the other stream alone', async () => {
    const productsBefore = await count('products');
    const job = await syncAndWait(stack, connectionId, 'clear', [{ name: 'users' }]);
    expect(job.jobType).toBe('clear');
    expect(await count('users')).toBe(0);
    expect(await count('products')).toBe(productsBefore);
    const state = await ok(stack, 'GET', `/api/v1/connections/${connectionId}/state`);
    expect(JSON.stringify(state)).not.toContain('"users"');
    // the next sync reads users from the start again
    await syncAndWait(stack, connectionId);
    expect(await count('users')).toBe(300);
  });

  it('the planted secret never appears in an API response, a log file or the database plaintext', async () => {
    const destinations = await ok(stack, 'GET', '/api/v1/destinations');
    expect(JSON.stringify(destinations)).toContain('**********');
    const jobs = await ok(stack, 'GET', `/api/v1/jobs?connectionId=${connectionId}`);
    for (const job of jobs.data as { id: string }[]) {
      const full = await ok(stack, 'GET', `/api/v1/jobs/${job.id}`);
      for (const attempt of full.attempts as { attemptNumber: number }[]) {
        const logs = await ok(stack, 'GET', `/api/v1/jobs/${job.id}/attempts/${attempt.attemptNumber}/logs?limit=10000`);
        expect((logs.entries as unknown[]).length).toBeGreaterThan(0);
      }
    }
    expect(responses.length).toBeGreaterThan(10);
    for (const body of responses) expect(body).not.toContain(SECRET);

    const logFiles = await filesUnder(stack.storageDir);
    expect(logFiles.length).toBeGreaterThan(0);
    for (const file of logFiles) expect(await readFile(file, 'utf8')).not.toContain(SECRET);
    expect(stack.diagnostics()).not.toContain(SECRET);

    const tables = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    expect(tables.rows.length).toBeGreaterThan(5);
    for (const { table_name } of tables.rows as { table_name: string }[]) {
      const rows = await db.query(`SELECT t::text AS row FROM public."${table_name}" t`);
      for (const { row } of rows.rows as { row: string }[]) expect(row, `table ${table_name}`).not.toContain(SECRET);
    }
  });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
