/**
 * The whole control plane for an end-to-end test, as production runs it: a fresh database
 * on the test run's PostgreSQL server, a Temporal dev server, then the bootloader, the
 * Config API and a worker as separate processes from their compiled entry points. Tests
 * drive it only through the HTTP API (the typed client) and look at Postgres.
 *
 * PyPI connectors are installed in the per-user cache (TRIBUTARY_CONNECTORS_DIR), so they
 * install once per machine, not once per test file.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTributaryClient, type TributaryClient } from '@tributary/api-client';
import { connectorInstallDir, repoRoot } from '../paths.js';
import { freePort } from '../ports.js';
import { createTestDatabase, type TestDatabase } from '../postgres.js';
import { stopChild } from '../processes.js';
import { startTestTemporal, type TestTemporal } from '../temporal.js';
import { waitFor } from '../wait-for.js';

const run = promisify(execFile);

export interface StackProcess {
  readonly child: ChildProcess;
  /** everything it printed so far */
  output(): string;
  /** resolves with the exit code (or signal) */
  readonly exited: Promise<number | NodeJS.Signals>;
}

export interface E2eStack {
  baseUrl: string;
  token: string;
  client: TributaryClient;
  db: TestDatabase;
  temporal: TestTemporal;
  dataDir: string;
  /** where attempt logs are stored */
  storageDir: string;
  server: StackProcess;
  /** the current worker (startWorker replaces it) */
  worker: StackProcess;
  /** one more worker process; `env` overrides the stack's (e.g. a data dir of its own, as on a second machine) */
  startWorker(env?: Record<string, string>): Promise<StackProcess>;
  /** raw request, for status codes and bodies the typed client would hide */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown; contentType: string | null }>;
  /** the tail of every process's output, for a failing test's report */
  diagnostics(): string;
  stop(): Promise<void>;
}

export interface E2eStackOptions {
  /** extra environment for the worker and server (e.g. a short retry backoff); a function gets the server's URL */
  env?: Record<string, string> | ((baseUrl: string) => Record<string, string>);
}

/** Builds the compiled entry points and the worker's workflow bundle (incremental: fast when up to date). */
export async function buildStack(): Promise<void> {
  await run('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
  await run(process.execPath, [join(repoRoot, 'apps/worker/dist/bundle-workflows.js')], { cwd: repoRoot });
}

function startProcess(name: string, script: string, env: NodeJS.ProcessEnv): StackProcess {
  const child = spawn(process.execPath, [join(repoRoot, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    // bounded: a long test must not grow memory without limit
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => `--- ${name} (pid ${child.pid}) ---\n${output}`, exited };
}

async function stopProcess(p: StackProcess | undefined, graceMs = 10_000): Promise<void> {
  if (p) await stopChild(p.child, graceMs);
}

async function waitForHealth(baseUrl: string, server: StackProcess, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    () => `the server to become healthy:\n${server.output()}`,
    async () => {
      if (server.child.exitCode !== null) throw new Error(`the server exited early:\n${server.output()}`);
      try {
        return (await fetch(`${baseUrl}/api/v1/health`)).ok || undefined;
      } catch {
        return undefined; // not listening yet
      }
    },
    timeoutMs,
    200,
  );
}

export async function startE2eStack(label: string, options: E2eStackOptions = {}): Promise<E2eStack> {
  await buildStack();
  const db = await createTestDatabase(label);
  const temporal = await startTestTemporal();
  const dataDir = await mkdtemp(join(tmpdir(), `tributary-e2e-${label}-`));
  const storageDir = join(dataDir, 'storage');
  const token = `trb_e2e_${randomBytes(24).toString('hex')}`;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    // a queue of its own: test files run in parallel against their own Temporal anyway
    TEMPORAL_TASK_QUEUE: `tributary-e2e-${label}`,
    TRIBUTARY_SECRET_KEY: randomBytes(32).toString('base64'),
    TRIBUTARY_DATA_DIR: dataDir,
    // PyPI connectors install once per machine, not once per test file
    TRIBUTARY_CONNECTORS_DIR: connectorInstallDir(),
    // that cache is in the test user's home, which a root worker's default connector user
    // (nobody) cannot enter: connectors run as the worker's own user here (the isolation is
    // tested by apps/server/src/connector-isolation.temporal.test.ts)
    TRIBUTARY_CONNECTOR_USER: String(process.getuid?.() ?? 0),
    // seeded connectors install when a test needs one, not in the background of every test file
    TRIBUTARY_PENDING_INSTALLS_INTERVAL_MS: '0',
    TRIBUTARY_STORAGE_DIR: storageDir,
    TRIBUTARY_ADMIN_TOKEN: token,
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(port),
    // every server and worker of every test stack on a free port of its own
    TRIBUTARY_METRICS_PORT: '0',
    ...(typeof options.env === 'function' ? options.env(`http://127.0.0.1:${port}`) : options.env),
  };

  const bootloader = startProcess('bootloader', 'apps/bootloader/dist/main.js', env);
  const bootCode = await bootloader.exited;
  if (bootCode !== 0) throw new Error(`the bootloader failed (${bootCode}):\n${bootloader.output()}`);

  const baseUrl = `http://127.0.0.1:${port}`;
  const server = startProcess('server', 'apps/server/dist/main.js', env);
  await waitForHealth(baseUrl, server);
  const workers: StackProcess[] = [];
  const startWorker = async (overrides: Record<string, string> = {}) => {
    const worker = startProcess(`worker ${workers.length + 1}`, 'apps/worker/dist/main.js', { ...env, ...overrides });
    workers.push(worker);
    stack.worker = worker;
    // polling from here on: the API refuses connector commands while no worker polls
    await waitFor('the worker to start', async () => {
      if (worker.child.exitCode !== null) throw new Error(`the worker exited early:\n${worker.output()}`);
      return worker.output().includes('"msg":"worker started"') ? true : undefined;
    }, 60_000, 100);
    return worker;
  };

  const stack: E2eStack = {
    baseUrl,
    token,
    client: createTributaryClient({ baseUrl, token }),
    db,
    temporal,
    dataDir,
    storageDir,
    server,
    worker: undefined as unknown as StackProcess,
    startWorker,
    async request(method, path, body) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, contentType: res.headers.get('content-type') };
    },
    diagnostics: () => [bootloader, server, ...workers].map((p) => p.output().slice(-4000)).join('\n'),
    async stop() {
      await Promise.all(workers.map((w) => stopProcess(w)));
      await stopProcess(server);
      await temporal.stop();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  await startWorker();
  return stack;
}
