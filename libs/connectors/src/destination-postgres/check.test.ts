/** destination-postgres spec and check, run as a process against a real server. */
import { randomBytes } from 'node:crypto';
import { freePort } from '@tributary/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, createTestDatabase, type TestDatabase } from '@tributary/testing';
import { builtinEntrypoint } from '../index.js';
import {
  catalogOf,
  configuredStream,
  ofType,
  recordLine,
  runConnectorCommand,
  runToEnd,
  startConnector,
} from '@tributary/testing/connectors';

const entry = builtinEntrypoint('destination-postgres')!;
const role = `check_user_${randomBytes(4).toString('hex')}`;
const password = 'correct horse';
let db: TestDatabase;
let config: Record<string, unknown>;

beforeAll(async () => {
  db = await createTestDatabase('dest_pg_check');
  await adminQuery(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`, db.adminUrl);
  await adminQuery(`GRANT CONNECT, CREATE ON DATABASE ${db.connection.database} TO ${role}`, db.adminUrl);
  config = { ...db.connection, username: role, password, schema: 'public', ssl_mode: { mode: 'prefer' } };
});
afterAll(async () => {
  if (!db) return;
  await db.drop();
  await adminQuery(`DROP ROLE IF EXISTS ${role}`, db.adminUrl);
});

async function check(overrides: Record<string, unknown>) {
  const { code, messages } = await runConnectorCommand(entry, 'check', { ...config, ...overrides });
  const status = ofType(messages, 'CONNECTION_STATUS')[0]?.connectionStatus;
  expect(status, JSON.stringify(messages)).toBeDefined();
  return { code, status: status! };
}

/** A server that trusts every loopback login (TRIBUTARY_TEST_DATABASE_URL may be one) cannot show password failures. */
async function serverTrustsEveryone(): Promise<boolean> {
  const probe = new pg.Client({ ...db.connection, user: role, password: 'not the password' });
  const trusted = await probe.connect().then(
    () => true,
    () => false,
  );
  await probe.end().catch(() => undefined);
  return trusted;
}

describe('destination-postgres spec and check', () => {
  it('spec marks the password secret and lists the supported sync modes', async () => {
    const { code, messages } = await runConnectorCommand(entry, 'spec', {});
    expect(code).toBe(0);
    const spec = ofType(messages, 'SPEC')[0]!.spec;
    const props = spec.connectionSpecification['properties'] as Record<string, Record<string, unknown>>;
    expect(props['password']).toMatchObject({ airbyte_secret: true });
    expect(props['schema']).toMatchObject({ default: 'public' });
    expect(Object.keys(props)).toEqual(expect.arrayContaining(['host', 'port', 'database', 'username', 'ssl_mode']));
    expect(spec.supported_destination_sync_modes).toEqual(['overwrite', 'append', 'append_dedup']);
  });

  it('succeeds with valid credentials, creating the schema, and leaves nothing behind', async () => {
    const { code, status } = await check({ schema: 'check_created' });
    expect(code).toBe(0);
    expect(status).toEqual({ status: 'SUCCEEDED' });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const leftovers = await client.query(
      `SELECT relname FROM pg_class WHERE relname LIKE '_airbyte_connection_test%' UNION ALL SELECT nspname FROM pg_namespace WHERE nspname = 'check_created'`,
    );
    await client.end();
    expect(leftovers.rows).toEqual([]);
  });

  it('fails with a clear message for a wrong password', async (ctx) => {
    if (await serverTrustsEveryone()) ctx.skip();
    const { code, status } = await check({ password: 'wrong' });
    expect(code).toBe(0);
    expect(status.status).toBe('FAILED');
    expect(status.message).toBe(
      `password authentication failed for user "${role}" on ${db.connection.host}:${db.connection.port}: check the username and password`,
    );
  });

  it('write with a wrong password fails with a config_error trace and exit code 1', async (ctx) => {
    if (await serverTrustsEveryone()) ctx.skip();
    const catalog = catalogOf(configuredStream('never', { id: { type: 'integer' } }));
    const { code, messages } = await runToEnd(await startConnector(entry, 'write', { config: { ...config, password: 'wrong' }, catalog }), [
      recordLine('never', { id: 1 }),
    ]);
    expect(code).toBe(1);
    expect(ofType(messages, 'TRACE')[0]?.trace.error).toMatchObject({
      failure_type: 'config_error',
      message: expect.stringContaining('password authentication failed'),
    });
  });

  it('fails with a clear message for a database that does not exist', async () => {
    const { status } = await check({ username: db.connection.username, password: db.connection.password, database: 'no_such_database' });
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('database "no_such_database" does not exist');
  });

  it('fails with a clear message when nothing listens on the port', async () => {
    const port = await freePort();
    const { status } = await check({ port });
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain(`could not connect to ${db.connection.host}:${port}: connection refused`);
  });

  it('fails with a clear message for a host name that does not resolve', async () => {
    const { status } = await check({ host: 'no-such-host.invalid' });
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('could not resolve host "no-such-host.invalid"');
  });

  it('fails when the user may not create tables in the schema', async () => {
    await adminQuery(`CREATE SCHEMA locked; REVOKE ALL ON SCHEMA locked FROM PUBLIC`, db.url);
    const { status } = await check({ schema: 'locked' });
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/cannot create tables in schema "locked": permission denied/);
  });

  it('fails with a config message for an invalid config', async () => {
    const { status } = await check({ port: 'eighty' });
    expect(status).toEqual({ status: 'FAILED', message: 'config.port must be an integer between 1 and 65535, got "eighty"' });
  });
});
