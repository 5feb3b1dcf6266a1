import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort, promSample } from '@tributary/testing';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokenEntity, createDataSource, newApiToken } from '@tributary/db';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function run(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let output = '';
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForHealth(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

describe('server main (compiled)', () => {
  let db: TestDatabase;
  // the server's local storage: the default (.tributary/data) would land in the checkout
  let dataDir: string;
  beforeAll(async () => {
    expect(existsSync(main), `${main} is missing: build first (npx tsc -b tsconfig.build.json)`).toBe(true);
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'tributary-server-main-'));
  });
  afterAll(async () => {
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const env = () => ({
    DATABASE_URL: db.url,
    TRIBUTARY_SECRET_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    TRIBUTARY_METRICS_PORT: '0',
    TRIBUTARY_DATA_DIR: dataDir,
  });

  it('names every bad variable and exits 2', async () => {
    const { exited, output } = run({ TRIBUTARY_SECRET_KEY: 'short', PORT: 'x' });
    expect(await exited).toBe(2);
    expect(output()).toMatch(/DATABASE_URL: is required/);
    expect(output()).toMatch(/TRIBUTARY_SECRET_KEY: must be 32 bytes/);
    expect(output()).toMatch(/PORT:/);
  });

  it('refuses to serve an unmigrated database', async () => {
    const { exited, output } = run({ ...env(), PORT: String(await freePort()) });
    expect(await exited).toBe(1);
    expect(output()).toContain('run the bootloader first');
  });

  it('serves the API on PORT once migrated and stops cleanly on SIGTERM', async () => {
    const dataSource = await createDataSource({ url: db.url }).initialize();
    await dataSource.runMigrations();
    const { token, tokenHash, prefix } = newApiToken();
    await dataSource.getRepository(ApiTokenEntity).save({ name: 'admin', tokenHash, prefix, role: 'instance_admin', workspaceId: null, lastUsedAt: null, revokedAt: null });
    await dataSource.destroy();

    const port = await freePort();
    const server = run({ ...env(), PORT: String(port) });
    try {
      await waitForHealth(`http://127.0.0.1:${port}/api/v1/health`);
      const version = await fetch(`http://127.0.0.1:${port}/api/v1/version`, { headers: { authorization: `Bearer ${token}` } });
      expect(version.status).toBe(200);
      expect(server.output()).toContain('Config API listening');
      expect(server.output()).not.toContain(token);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it('serves /metrics (request durations by route pattern and status) and /readyz on its own port, not on the API\'s', async () => {
    const dataSource = await createDataSource({ url: db.url }).initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
    const [port, metricsPort] = [await freePort(), await freePort()];
    const server = run({ ...env(), PORT: String(port), TRIBUTARY_METRICS_PORT: String(metricsPort) });
    try {
      const api = `http://127.0.0.1:${port}`;
      await waitForHealth(`${api}/api/v1/health`);
      const ops = `http://127.0.0.1:${metricsPort}`;
      await waitForHealth(`${ops}/readyz`);
      const id = randomBytes(8).toString('hex');
      expect((await fetch(`${api}/api/v1/sources/${id}`)).status).toBe(401);
      expect((await fetch(`${api}/metrics`)).status).toBe(404);
      const metrics = await (await fetch(`${ops}/metrics`)).text();
      const count = (route: string, status: string) =>
        promSample(metrics, 'tributary_api_request_duration_seconds_count', { service: 'server', method: 'GET', route, status });
      expect(count('/api/v1/health', '200')).toBeGreaterThanOrEqual(1);
      expect(count('/api/v1/sources/:sourceId', '401')).toBe(1);
      expect(count('unmatched', '404')).toBe(1);
      expect(metrics).not.toContain(id);
      expect(server.output()).toContain(`"metrics":"http://127.0.0.1:${metricsPort}/metrics"`);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it('on SIGTERM, lets the queries of requests in flight finish, even those whose clients have left', async () => {
    const dataSource = await createDataSource({ url: db.url }).initialize();
    const locker = dataSource.createQueryRunner();
    try {
      await dataSource.runMigrations();
      const { token, tokenHash, prefix } = newApiToken();
      await dataSource.getRepository(ApiTokenEntity).save({ name: 'admin', tokenHash, prefix, role: 'instance_admin', workspaceId: null, lastUsedAt: null, revokedAt: null });
      const port = await freePort();
      const server = run({ ...env(), PORT: String(port) });
      await waitForHealth(`http://127.0.0.1:${port}/api/v1/health`);

      // the token lookup of the next request waits on this lock until we let it go
      await locker.startTransaction();
      await locker.query('LOCK TABLE api_token IN ACCESS EXCLUSIVE MODE');
      // a raw socket, so that leaving means closing the connection there and then
      const client = connect(port, '127.0.0.1');
      client.on('error', () => undefined);
      client.write(`GET /api/v1/version HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`);
      const waiting = async () =>
        (
          await dataSource.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'tributary-server' AND wait_event_type = 'Lock'`,
          )
        )[0].n;
      const deadline = Date.now() + 10_000;
      while ((await waiting()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(await waiting()).toBe(1);
      client.destroy(); // the client leaves: the HTTP server has nothing left to wait for
      server.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      expect(server.child.exitCode).toBeNull(); // still waiting for the query
      await locker.commitTransaction();
      expect(await server.exited).toBe(0);
      expect(server.output()).not.toMatch(/request failed|Connection terminated/);
    } finally {
      if (locker.isTransactionActive) await locker.rollbackTransaction();
      await locker.release();
      await dataSource.destroy();
    }
  });
});
