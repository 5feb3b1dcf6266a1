/**
 * The data plane end to end, through the real CLI process: source-sample and the PyPI
 * connector airbyte-source-faker synced by the replication engine into destination-postgres
 * on a real PostgreSQL server.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplicationResult } from '@tributary/replication';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';
import { cacheDir } from '@tributary/testing';
import { childPids, isAlive, runCli, startCli } from '@tributary/testing/cli';

let db: TestDatabase;
let client: pg.Client;
const work = mkdtempSync(join(tmpdir(), 'tributary-cli-'));

beforeAll(async () => {
  db = await createTestDatabase('cli_sync');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const destination = (schema: string) => JSON.stringify({ ...db.connection, schema });
const count = async (table: string) => Number((await client.query(`select count(*)::int as n from ${table}`)).rows[0].n);

async function sync(args: string[]): Promise<{ code: number | null; result: ReplicationResult; stderr: string }> {
  const { code, stdout, stderr } = await runCli(['--json', '--quiet', '--data-dir', cacheDir(), ...args]);
  const last = stdout.trim().split('\n').pop() ?? '';
  let result: ReplicationResult;
  try {
    result = JSON.parse(last) as ReplicationResult;
  } catch {
    throw new Error(`no JSON result (exit ${code}):\n${stdout}\n${stderr}`);
  }
  return { code, result, stderr };
}

const committed = (r: ReplicationResult, stream: string) => r.streamStats.find((s) => s.name === stream)?.recordsCommitted;
const emitted = (r: ReplicationResult, stream: string) => r.streamStats.find((s) => s.name === stream)?.recordsEmitted;
const sample = (config: object) => ['--source', 'source-sample', '--source-config', JSON.stringify(config)];

describe('source-sample -> destination-postgres', () => {
  const state = join(work, 'incremental-state.json');

  it('lands every committed record and writes the committed state', async () => {
    const { code, result } = await sync([...sample({ count: 1000, seed: 7 }), '--destination', 'destination-postgres', '--destination-config', destination('inc'), '--state', state]);
    expect(code).toBe(0);
    expect(result.status).toBe('succeeded');
    for (const stream of ['users', 'products', 'purchases']) {
      expect(committed(result, stream)).toBe(1000);
      expect(await count(`inc.${stream}`)).toBe(1000);
    }
    const saved = JSON.parse(readFileSync(state, 'utf8')) as unknown[];
    expect(saved).toHaveLength(3);
    expect(saved).toEqual(result.state);
  });

  it('a second incremental run moves only the new records', async () => {
    const { code, result } = await sync([...sample({ count: 1250, seed: 7 }), '--destination', 'destination-postgres', '--destination-config', destination('inc'), '--state', state]);
    expect(code).toBe(0);
    for (const stream of ['users', 'products', 'purchases']) {
      expect(emitted(result, stream)).toBe(250);
      expect(await count(`inc.${stream}`)).toBe(1250);
    }
  });

  it('dedup keeps exactly one row per primary key when records are re-sent', async () => {
    // no state: every record is sent again, with the same ids
    const { code, result } = await sync([...sample({ count: 1250, seed: 7, streams: ['users'] }), '--mode', 'incremental_dedup', '--destination', 'destination-postgres', '--destination-config', destination('inc')]);
    expect(code).toBe(0);
    expect(emitted(result, 'users')).toBe(1250);
    expect(await count('inc.users')).toBe(1250);
    const distinct = await client.query('select count(distinct id)::int as n from inc.users');
    expect(distinct.rows[0].n).toBe(1250);
  });

  it('overwrite replaces the table; append adds to it', async () => {
    const run = (n: number, mode: string) =>
      sync([...sample({ count: n, streams: ['products'] }), '--mode', mode, '--destination', 'destination-postgres', '--destination-config', destination('modes')]);
    expect((await run(300, 'full_refresh_overwrite')).code).toBe(0);
    expect(await count('modes.products')).toBe(300);
    expect((await run(120, 'full_refresh_overwrite')).code).toBe(0);
    expect(await count('modes.products')).toBe(120);
    expect((await run(50, 'full_refresh_append')).code).toBe(0);
    expect(await count('modes.products')).toBe(170);
  });

  it('a failed overwrite sync leaves the previous table in place', async () => {
    const args = (extra: object) => [...sample({ count: 3000, streams: ['users'], records_per_state: 200, ...extra }), '--mode', 'full_refresh_overwrite', '--destination', 'destination-postgres', '--destination-config', destination('overwrite_fail')];
    expect((await sync(args({}))).code).toBe(0);
    expect(await count('overwrite_fail.users')).toBe(3000);
    const failed = await sync(args({ count: 5000, fail_after: 1000 }));
    expect(failed.code).toBe(1);
    expect(committed(failed.result, 'users')).toBeGreaterThan(0);
    expect(await count('overwrite_fail.users')).toBe(3000);
  });

  it('a failing source keeps the committed state, and the rerun from it loses nothing', async () => {
    const failState = join(work, 'fail-state.json');
    const config = { count: 5000, seed: 3, streams: ['users'], records_per_state: 500 };
    const first = await sync([...sample({ ...config, fail_after: 2200 }), '--destination', 'destination-postgres', '--destination-config', destination('retry'), '--state', failState]);
    expect(first.code).toBe(1);
    expect(first.result.status).toBe('failed');
    expect(first.result.failures[0]).toMatchObject({ origin: 'source' });
    const committedFirst = committed(first.result, 'users')!;
    expect(committedFirst).toBeGreaterThanOrEqual(2000);
    expect(committedFirst).toBeLessThan(5000);
    expect(existsSync(failState)).toBe(true);
    expect(JSON.parse(readFileSync(failState, 'utf8'))).toEqual(first.result.state);

    const second = await sync([...sample(config), '--destination', 'destination-postgres', '--destination-config', destination('retry'), '--state', failState]);
    expect(second.code).toBe(0);
    const distinct = await client.query('select count(distinct id)::int as n, count(*)::int as rows from retry.users');
    expect(distinct.rows[0].n).toBe(5000);
  });

  it('Ctrl-C cancels: exit 130, committed state kept, no connector process left', async () => {
    const cancelState = join(work, 'cancel-state.json');
    const run = startCli([
      '--json', '--quiet', '--data-dir', cacheDir(),
      ...sample({ count: 1_000_000, streams: ['users'], records_per_state: 100, records_per_batch: 100, sleep_ms_per_batch: 20 }),
      '--destination', 'destination-postgres', '--destination-config', destination('cancel'), '--state', cancelState,
    ]);
    // wait until something is committed, then press Ctrl-C
    const deadline = Date.now() + 30_000;
    while (!existsSync(cancelState) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(cancelState)).toBe(true);
    const connectors = childPids(run.child.pid!);
    expect(connectors.length).toBeGreaterThanOrEqual(2);
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const { code, stdout } = await run.done;
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    expect(code).toBe(130);
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as ReplicationResult;
    expect(result.status).toBe('cancelled');
    expect(JSON.parse(readFileSync(cancelState, 'utf8'))).toEqual(result.state);
    expect(await count('cancel.users')).toBeGreaterThanOrEqual(committed(result, 'users')!);
    expect(connectors.filter(isAlive)).toEqual([]);
  });
});

describe('airbyte-source-faker (PyPI) -> destination-postgres', () => {
  const faker = ['--source', 'pypi:airbyte-source-faker==7.2.1'];

  it('syncs users, products and purchases; rows equal committed records', { timeout: 600_000 }, async () => {
    const { code, result, stderr } = await sync([...faker, '--source-config', '{"count": 300, "seed": 5, "always_updated": false}', '--destination', 'destination-postgres', '--destination-config', destination('faker'), '--state', join(work, 'faker-state.json')]);
    expect(code, stderr).toBe(0);
    for (const stream of ['users', 'products', 'purchases']) {
      const n = committed(result, stream)!;
      expect(n).toBeGreaterThan(0);
      expect(await count(`faker.${stream}`)).toBe(n);
    }
    expect(committed(result, 'users')).toBe(300);
    const typed = await client.query(
      `select column_name, data_type from information_schema.columns where table_schema = 'faker' and table_name = 'users' and column_name in ('id', 'email', 'updated_at', '_airbyte_data')`,
    );
    expect(Object.fromEntries(typed.rows.map((r: { column_name: string; data_type: string }) => [r.column_name, r.data_type]))).toEqual({
      id: 'bigint',
      email: 'text',
      updated_at: 'timestamp with time zone',
      _airbyte_data: 'jsonb',
    });
  });

  it('a second run with the saved state moves no already-synced records', { timeout: 600_000 }, async () => {
    // faker with always_updated=false has nothing new once its cursor is saved
    const { code, result } = await sync([...faker, '--source-config', '{"count": 300, "seed": 5, "always_updated": false}', '--streams', 'users', '--destination', 'destination-postgres', '--destination-config', destination('faker'), '--state', join(work, 'faker-state.json')]);
    expect(code).toBe(0);
    expect(emitted(result, 'users') ?? 0).toBe(0);
    expect(await count('faker.users')).toBe(300);
  });

  it('without the saved state the same users are re-read and dedup keeps one row each', { timeout: 600_000 }, async () => {
    const { code, result } = await sync([...faker, '--source-config', '{"count": 300, "seed": 5}', '--streams', 'users', '--destination', 'destination-postgres', '--destination-config', destination('faker')]);
    expect(code).toBe(0);
    expect(emitted(result, 'users')).toBe(300);
    expect(await count('faker.users')).toBe(300);
  });
});

describe('bad arguments', () => {
  it('a malformed connector reference or config is a usage error naming it', async () => {
    const bad = await runCli(['--source', 'pypi:nope', '--destination', 'destination-dev-null']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/pypi:<package>==<version>/);
    const badJson = await runCli(['--source', 'source-sample', '--source-config', '{nope', '--destination', 'destination-dev-null']);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/source config is not valid JSON/);
  });

  it('a missing config file or an invalid catalog is a usage error naming it', async () => {
    const missing = await runCli(['--source', 'source-sample', '--source-config', join(work, 'nope.json'), '--destination', 'destination-dev-null']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read source config file .*nope\.json: ENOENT/);
    const badCatalog = await runCli(['--source', 'source-sample', '--catalog', '{"streams": [{"sync_mode": "sometimes"}]}', '--destination', 'destination-dev-null']);
    expect(badCatalog.code).toBe(2);
    expect(badCatalog.stderr).toMatch(/catalog .* is invalid at streams\.0\./);
  });

  it('an unknown stream is a usage error listing the available ones', async () => {
    const r = await runCli(['--source', 'source-sample', '--streams', 'nope', '--destination', 'destination-dev-null']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown stream\(s\): nope; available: users, products, purchases/);
  });
});
