// The compiled entry point refuses a bad environment or an unmigrated database before it
// touches Temporal. (worker-crash.temporal.test.ts runs it for real.)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';
import { createMigratedDatabase } from '@tributary/testing/db';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function run(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  let output = '';
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('worker main (compiled)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    expect(existsSync(main), `${main} is missing: build first (npx tsc -b tsconfig.build.json)`).toBe(true);
    db = await createTestDatabase('worker_main');
  });
  afterAll(() => db?.drop());

  it('names every bad variable and exits 2', async () => {
    const { code, output } = await run({ TRIBUTARY_SECRET_KEY: 'short', TEMPORAL_ADDRESS: 'nope' });
    expect(code).toBe(2);
    expect(output).toMatch(/DATABASE_URL: is required/);
    expect(output).toMatch(/TRIBUTARY_SECRET_KEY: must be 32 bytes/);
    expect(output).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
  });

  it('with TRIBUTARY_LAUNCHER=kubernetes, names a bad Kubernetes setting and exits 2 before it starts', async () => {
    const { code, output } = await run({
      DATABASE_URL: 'postgres://tributary@127.0.0.1:1/tributary',
      TRIBUTARY_SECRET_KEY: randomBytes(32).toString('hex'),
      TRIBUTARY_LAUNCHER: 'kubernetes',
      TRIBUTARY_KUBERNETES_TOLERATIONS: '{"sync":[{"key":"jobs","operator":"Maybe"}]}',
      TRIBUTARY_KUBERNETES_PENDING_TIMEOUT_MS: 'soon',
    });
    expect(code).toBe(2);
    expect(output).toMatch(/TRIBUTARY_KUBERNETES_TOLERATIONS\.sync\.0\.operator: /);
    expect(output).toMatch(/TRIBUTARY_KUBERNETES_PENDING_TIMEOUT_MS: /);
  });

  it('refuses to work on an unmigrated database', async () => {
    // no Temporal server at this address: the worker must stop before it tries to connect
    const { code, output } = await run({
      DATABASE_URL: db.url,
      TRIBUTARY_SECRET_KEY: randomBytes(32).toString('hex'),
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    expect(code).toBe(1);
    expect(output).toContain('run the bootloader first');
  });

  it('removes the connector run dirs (decrypted configs) a crashed worker left in its data dir, before it works', async () => {
    const migrated = await createMigratedDatabase('worker_sweep');
    const dataDir = await mkdtemp(join(tmpdir(), 'tributary-worker-sweep-'));
    try {
      // what a SIGKILLed worker leaves: a run dir named after its (now dead) pid, holding the config
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      const stale = join(dataDir, 'tmp', `tributary-run-${dead}-Ab12Cd`);
      await mkdir(stale, { recursive: true });
      await writeFile(join(stale, 'config.json'), '{"password":"left-behind"}', { mode: 0o600 });
      // no Temporal at this address: the worker sweeps, then fails to connect and exits
      const { code } = await run({
        DATABASE_URL: migrated.db.url,
        TRIBUTARY_SECRET_KEY: randomBytes(32).toString('hex'),
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        TRIBUTARY_DATA_DIR: dataDir,
      });
      expect(code).not.toBe(0);
      expect(await readdir(join(dataDir, 'tmp'))).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      await migrated.close();
    }
  });
});
