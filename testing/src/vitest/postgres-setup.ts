/**
 * Vitest globalSetup: one PostgreSQL server per test run, shared by every project.
 * Uses TRIBUTARY_TEST_DATABASE_URL when set; otherwise starts a real server with
 * tools/postgres.sh on a free loopback port in a temp dir and stops it afterwards.
 * Tests reach it through createTestDatabase() in testing/src/postgres.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { freePort } from '../ports.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { TEST_DATABASE_URL_ENV } from '../postgres.js';
import { repoRoot } from '../paths.js';

const run = promisify(execFile);
const script = join(repoRoot, 'tools/postgres.sh');

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/** Starts a disposable server in a fresh temp dir; `stop()` shuts it down and removes the dir. */
export async function startTestPostgres(): Promise<RunningPostgres> {
  let dir: string | undefined;
  let url: string;
  try {
    // directly under tmpdir: the server may run as another user, who must reach the dir
    dir = await mkdtemp(join(tmpdir(), 'tributary-pg-'));
    const { stdout } = await run('bash', [script, 'start', dir, String(await freePort())], { maxBuffer: 16 * 1024 * 1024 });
    url = stdout.trim().split('\n').pop() ?? '';
  } catch (err) {
    if (dir) await rm(dir, { recursive: true, force: true });
    const e = err as Error & { stderr?: string };
    throw new Error(`could not start the test PostgreSQL server: ${e.stderr?.trim() || e.message}`);
  }
  const dataDir = dir;
  return {
    url,
    async stop() {
      await run('bash', [script, 'stop', dataDir]).catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const external = process.env[TEST_DATABASE_URL_ENV];
  if (external) {
    project.provide('postgresAdminUrl', external);
    return;
  }
  let server: RunningPostgres;
  try {
    server = await startTestPostgres();
  } catch (err) {
    // tests without a database still run; createTestDatabase() reports this reason
    project.provide('postgresAdminUrl', '');
    project.provide('postgresStartError', (err as Error).message);
    return;
  }
  project.provide('postgresAdminUrl', server.url);
  return () => server.stop();
}
