import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerReadStorage } from '@tributary/db';
import { LocalDirStorage } from '@tributary/storage';
import { freePort, promSample, waitFor } from '@tributary/testing';
import { createMigratedDatabase, seedConnection, type MigratedDatabase } from '@tributary/testing/db';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function run(env: Record<string, string>) {
  let output = '';
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('cron main (compiled)', () => {
  let database: MigratedDatabase;
  let root: string;
  beforeAll(async () => {
    expect(existsSync(main), `${main} is missing: build first (npx tsc -b tsconfig.build.json)`).toBe(true);
    database = await createMigratedDatabase('cron-main');
    root = await mkdtemp(join(tmpdir(), 'tributary-cron-main-'));
  });
  afterAll(async () => {
    await database?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('names every bad variable and exits 2', async () => {
    const { exited, output } = run({
      DATABASE_URL: database.db.url,
      TRIBUTARY_RETENTION_LOGS_DAYS: '0',
      TRIBUTARY_STORAGE: 'ftp',
    });
    expect(await exited).toBe(2);
    expect(output()).toMatch(/TRIBUTARY_RETENTION_LOGS_DAYS: must be a positive number of days/);
    expect(output()).toMatch(/TRIBUTARY_STORAGE: /);
    const badSchedule = run({ DATABASE_URL: database.db.url, TRIBUTARY_RETENTION_SCHEDULE: 'every hour' });
    expect(await badSchedule.exited).toBe(2);
    expect(badSchedule.output()).toMatch(/TRIBUTARY_RETENTION_SCHEDULE: must be a cron expression/);
  });

  it('refuses a storage other than the one the server reads, and otherwise runs until SIGTERM', async () => {
    const serverStorage = new LocalDirStorage(join(root, 'server-storage'));
    await registerReadStorage(database.dataSource, { id: await serverStorage.identify(), location: serverStorage.location });

    const elsewhere = run({ DATABASE_URL: database.db.url, TRIBUTARY_STORAGE_DIR: join(root, 'own-storage') });
    expect(await elsewhere.exited).toBe(2);
    expect(elsewhere.output()).toContain(
      `cron's log storage (local directory ${join(root, 'own-storage')}) is not the one the server reads (${serverStorage.location})`,
    );

    const metricsPort = await freePort();
    const cron = run({
      DATABASE_URL: database.db.url,
      TRIBUTARY_STORAGE_DIR: serverStorage.rootDir,
      TRIBUTARY_RETENTION_SCHEDULE: '* * * * * *',
      TRIBUTARY_METRICS_PORT: String(metricsPort),
    });
    // a six-field schedule runs every second: wait for a run's line
    await waitFor(
      () => `a retention run: ${cron.output()}`,
      () => (cron.output().includes('"msg":"retention done"') ? true : undefined),
      20_000,
    );
    const ops = `http://127.0.0.1:${metricsPort}`;
    expect((await fetch(`${ops}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${ops}/metrics`)).text();
    expect(promSample(metrics, 'tributary_cron_runs_total', { service: 'cron', job: 'retention', outcome: 'done' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(promSample(metrics, 'tributary_retention_deleted_total', { service: 'cron', kind: 'logs' })).toBe(0);
    cron.child.kill('SIGTERM');
    expect(await cron.exited).toBe(0);
    expect(cron.output()).toContain('"msg":"cron stopped"');
  });

  it('runs jobs that start in the same second side by side, each again and again (none waits forever for a database connection)', async () => {
    const storage = new LocalDirStorage(join(root, 'server-storage'));
    await registerReadStorage(database.dataSource, { id: await storage.identify(), location: storage.location });
    // both every second: each run holds its lock's connection and needs another for its queries
    const cron = run({
      DATABASE_URL: database.db.url,
      TRIBUTARY_STORAGE_DIR: storage.rootDir,
      TRIBUTARY_RETENTION_SCHEDULE: '* * * * * *',
      TRIBUTARY_SELF_HEAL_SCHEDULE: '* * * * * *',
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      TRIBUTARY_METRICS_PORT: String(await freePort()),
    });
    const runs = (job: string) => cron.output().split(`"msg":"${job} done"`).length - 1;
    await waitFor(
      () => `three runs of each job: ${cron.output()}`,
      () => (runs('retention') >= 3 && runs('self-heal') >= 3 ? true : undefined),
      20_000,
    );
    cron.child.kill('SIGTERM');
    expect(await cron.exited).toBe(0);
  });

  it('stops on SIGTERM once its self-heal call to an unreachable Temporal reaches its deadline, and exits cleanly', async () => {
    const storage = new LocalDirStorage(join(root, 'server-storage'));
    await registerReadStorage(database.dataSource, { id: await storage.identify(), location: storage.location });
    // an active connection: self-heal asks Temporal whether its workflow runs
    const runtime = { kind: 'builtin', name: 'source-sample' } as const;
    await seedConnection(database.dataSource, randomBytes(32), {
      source: { runtime, config: {} },
      destination: { runtime, config: {} },
      catalog: { streams: [] },
      status: 'active',
    });
    const cron = run({
      DATABASE_URL: database.db.url,
      TRIBUTARY_STORAGE_DIR: storage.rootDir,
      TRIBUTARY_SELF_HEAL_SCHEDULE: '* * * * * *',
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      TRIBUTARY_METRICS_PORT: String(await freePort()),
    });
    await waitFor(
      () => `cron started: ${cron.output()}`,
      () => (cron.output().includes('"msg":"cron started"') ? true : undefined),
      20_000,
    );
    // a self-heal run has begun and is retrying its first call
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const stopping = Date.now();
    cron.child.kill('SIGTERM');
    expect(await cron.exited, cron.output()).toBe(0);
    // its call gives up by its deadline, retries already scheduled end without a new one
    expect(Date.now() - stopping).toBeLessThan(15_000);
    expect(cron.output()).toContain('"msg":"cron stopped"');
    expect(cron.output()).not.toMatch(/Channel has been shut down|uncaught|unhandled/i);
    // every line is JSON, node-cron's own included (the self-heal tick skipped while the last run waited)
    const lines = cron.output().trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.some((line) => line.includes('"component":"node-cron"') && line.includes('overlap prevention'))).toBe(true);
  }, 60_000);
});
