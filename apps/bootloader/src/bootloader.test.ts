import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig, bootloaderEnvSchema } from '@tributary/config';
import { verifyPassword } from '@tributary/db';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';
import { runBootloader } from './bootloader.js';
import { builtinSpecFetcher } from './builtin-specs.js';

const quietLogger = () => createLogger({ name: 'bootloader-test', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

async function snapshot(url: string): Promise<Record<string, unknown[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result: Record<string, unknown[]> = {};
    for (const table of ['workspace', 'api_token', 'app_user', 'actor_definition', 'platform_metadata', 'typeorm_migrations']) {
      result[table] = (await client.query(`SELECT * FROM ${table} ORDER BY 1`)).rows;
    }
    return result;
  } finally {
    await client.end();
  }
}

describe('bootloader', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  const passwords: { email: string; password: string }[] = [];
  const run = async (printed: string[], version?: string) => {
    const logger = quietLogger();
    return runBootloader({
      config: loadConfig(bootloaderEnvSchema, { DATABASE_URL: db.url }),
      logger,
      fetchSpec: builtinSpecFetcher(logger),
      printToken: (t) => printed.push(t),
      printPassword: (email, password) => passwords.push({ email, password }),
      ...(version ? { version } : {}),
    });
  };

  it('sets up an empty database, and a second run changes nothing and prints no token', async () => {
    const printed: string[] = [];
    const first = await run(printed);
    expect(first.map((s) => s.step)).toEqual([
      'wait-for-database',
      'refuse-downgrade',
      'run-migrations',
      'seed-connector-definitions',
      'default-workspace',
      'first-admin-token',
      'first-admin-user',
      'stamp-version',
    ]);
    expect(first.filter((s) => s.changed).map((s) => s.step)).toEqual([
      'run-migrations',
      'seed-connector-definitions',
      'default-workspace',
      'first-admin-token',
      'first-admin-user',
      'stamp-version',
    ]);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^trb_/);

    const after = await snapshot(db.url);
    expect(after.workspace).toHaveLength(1);
    expect(after.api_token).toHaveLength(1);
    expect(JSON.stringify(after.api_token)).not.toContain(printed[0]!.slice(12));
    // the first web UI user: an instance admin whose generated password is printed once and stored hashed
    expect(passwords).toEqual([{ email: 'admin@tributary.local', password: expect.stringMatching(/^\S{20,}$/) }]);
    expect(after.app_user).toEqual([expect.objectContaining({ email: 'admin@tributary.local', role: 'instance_admin', workspace_id: null })]);
    const [admin] = after.app_user as { password_hash: string }[];
    expect(admin!.password_hash).not.toContain(passwords[0]!.password);
    expect(await verifyPassword(passwords[0]!.password, admin!.password_hash)).toBe(true);
    const names = after.actor_definition!.map((d) => (d as { name: string }).name);
    expect(names).toEqual(expect.arrayContaining(['source-sample', 'destination-postgres', 'destination-jsonl', 'destination-dev-null', 'source-faker']));
    // builtin specs are cached right away; PyPI ones wait for a worker
    const sample = after.actor_definition!.find((d) => (d as { name: string }).name === 'source-sample') as { spec: { connectionSpecification: unknown } | null };
    expect(sample.spec?.connectionSpecification).toBeTypeOf('object');
    const faker = after.actor_definition!.find((d) => (d as { name: string }).name === 'source-faker') as { runtime: unknown; spec: unknown };
    expect(faker.runtime).toEqual({ kind: 'pypi', package: 'airbyte-source-faker', version: '7.2.1', entrypoint: 'source-faker' });

    const second = await run(printed);
    expect(second.filter((s) => s.changed)).toEqual([]);
    expect(printed).toHaveLength(1);
    expect(passwords).toHaveLength(1);
    expect(await snapshot(db.url)).toEqual(after);
  });

  it('refuses to run older code on a database a newer version set up, and changes nothing', async () => {
    const before = await snapshot(db.url);
    await expect(run([], '0.0.1')).rejects.toThrow(/refusing to downgrade: the database was set up by Tributary 0\.1\.0, this is 0\.0\.1/);
    expect(await snapshot(db.url)).toEqual(before);
  });

  it('gives up with a clear message when the database never answers', async () => {
    const logger = quietLogger();
    const config = loadConfig(bootloaderEnvSchema, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', TRIBUTARY_DB_WAIT_TIMEOUT_MS: '800' });
    await expect(runBootloader({ config, logger, fetchSpec: async () => undefined, printToken: () => undefined })).rejects.toThrow(
      /database not reachable after \d+ attempts.*check DATABASE_URL/,
    );
  });
});

describe('bootloader main (compiled)', () => {
  const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it('never echoes the admin token or password the operator chose (they are theirs already, and stdout may be a log file), and names a bad variable', () => {
    expect(existsSync(main), `${main} is missing: build first (npx tsc -b tsconfig.build.json)`).toBe(true);
    const token = 'trb_test-admin-token-0123456789abcdef';
    const password = 'chosen-admin-password-42';
    const env = { PATH: process.env.PATH, DATABASE_URL: db.url, TRIBUTARY_ADMIN_TOKEN: token, TRIBUTARY_ADMIN_PASSWORD: password, LOG_LEVEL: 'warn' };
    const first = spawnSync(process.execPath, [main], { env, encoding: 'utf8', timeout: 60_000 });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).not.toContain(token);
    expect(first.stdout).not.toContain('First admin API token');
    expect(first.stdout).not.toContain(password);
    expect(first.stdout).not.toContain('Web UI sign-in');
    const second = spawnSync(process.execPath, [main], { env, encoding: 'utf8', timeout: 60_000 });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).not.toContain(token);

    const bad = spawnSync(process.execPath, [main], { env: { PATH: process.env.PATH, DATABASE_URL: 'nope' }, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('DATABASE_URL: must be a postgres');
  });
});
