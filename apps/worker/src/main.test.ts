// The compiled entry point refuses a bad environment or an unmigrated database before it
// touches Temporal. (worker-crash.temporal.test.ts runs it for real.)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';

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
});
