/**
 * The whole product for a browser test: the e2e stack of tools/e2e (PostgreSQL, Temporal
 * dev server, bootloader, Config API, worker as real processes), with a known admin
 * password, and the web UI's production build served by `next start`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../paths.js';
import { freePort } from '../ports.js';
import { startE2eStack, type E2eStack, type E2eStackOptions } from '../stack/index.js';

const run = promisify(execFile);
const webappDir = join(repoRoot, 'apps', 'webapp');

export const ADMIN_EMAIL = 'admin@tributary.local';
export const ADMIN_PASSWORD = 'e2e-admin-password-0123';

export interface WebappStack {
  api: E2eStack;
  /** the UI's origin, e.g. http://127.0.0.1:41234 */
  uiUrl: string;
  webapp: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `next build` unless the build is newer than every source file (it takes about a minute). */
export async function buildWebapp(): Promise<void> {
  const buildId = join(webappDir, '.next', 'BUILD_ID');
  const libsBuilt = join(repoRoot, 'libs', 'api-client', 'dist', 'index.js');
  if (existsSync(buildId)) {
    const built = statSync(buildId).mtimeMs;
    const sources = Math.max(
      newestMtime(join(webappDir, 'src')),
      statSync(join(webappDir, 'next.config.ts')).mtimeMs,
      statSync(libsBuilt).mtimeMs,
    );
    if (built > sources) return;
  }
  await run('npx', ['next', 'build'], {
    cwd: webappDir,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
}

export async function startWebappStack(label: string, options: E2eStackOptions = {}): Promise<WebappStack> {
  const api = await startE2eStack(label, {
    ...options,
    env: { TRIBUTARY_ADMIN_EMAIL: ADMIN_EMAIL, TRIBUTARY_ADMIN_PASSWORD: ADMIN_PASSWORD, ...options.env },
  });
  try {
    await buildWebapp();
    const port = await freePort();
    const webapp = spawn(
      process.execPath,
      [join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', '127.0.0.1'],
      {
        cwd: webappDir,
        env: { ...process.env, TRIBUTARY_API_URL: api.baseUrl, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-100_000));
    webapp.stdout?.on('data', keep);
    webapp.stderr?.on('data', keep);
    const uiUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (webapp.exitCode !== null) throw new Error(`next start exited early:\n${output}`);
      try {
        if ((await fetch(`${uiUrl}/sign-in`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the web UI did not answer within 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return {
      api,
      uiUrl,
      webapp,
      output: () => `--- webapp ---\n${output}\n${api.diagnostics()}`,
      async stop() {
        if (webapp.exitCode === null) {
          webapp.kill('SIGTERM');
          await new Promise((r) => webapp.once('exit', r));
        }
        await api.stop();
      },
    };
  } catch (error) {
    await api.stop();
    throw error;
  }
}
