/**
 * `npm start`'s supervisor, run as a user runs it (after the build): a real PostgreSQL
 * server, a real Temporal dev server, the bootloader, the API server and the worker, on
 * free ports with a temp data dir. Proves it serves the API with the token it prints,
 * that Ctrl-C leaves nothing running, and that a dying service takes the stack down loudly.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@tributary/testing';
import { childPids, isAlive, waitFor } from '@tributary/testing';

const run = promisify(execFile);
const supervisorScript = fileURLToPath(new URL('./main.mjs', import.meta.url));
const postgresScript = fileURLToPath(new URL('../postgres.sh', import.meta.url));

interface Supervisor {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startSupervisor(env: NodeJS.ProcessEnv): Supervisor {
  const child = spawn(process.execPath, [supervisorScript], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-100_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Resolves with what the supervisor prints once the API answers: its URL and the admin token. */
async function ready(supervisor: Supervisor, timeoutMs = 150_000): Promise<{ apiUrl: string; token: string }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const apiUrl = /^\s+API:\s+(\S+)/m.exec(supervisor.output())?.[1];
    const token = /^\s+Admin token:\s+(\S+)/m.exec(supervisor.output())?.[1];
    if (apiUrl && token) return { apiUrl, token };
    if (supervisor.child.exitCode !== null)
      throw new Error(`the supervisor exited with ${supervisor.child.exitCode}:\n${supervisor.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the stack was not ready after ${timeoutMs} ms:\n${supervisor.output()}`);
}

function descendants(pid: number): number[] {
  return childPids(pid).flatMap((child) => [child, ...descendants(child)]);
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

describe('the embedded stack (npm start)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const seen = new Set<number>();

  /** every process the stack runs: the supervisor's descendants and the (daemonized) postmaster */
  async function stackPids(supervisor: Supervisor): Promise<number[]> {
    const postmaster = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    const pids = [supervisor.child.pid ?? -1, ...descendants(supervisor.child.pid ?? -1), postmaster];
    for (const pid of pids) seen.add(pid);
    return pids;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tributary-stack-'));
    // as root, PostgreSQL runs as another user, who must reach <data dir>/postgres
    await chmod(dataDir, 0o755);
    // no background installs of the seeded PyPI connectors into this throwaway data dir
    env = { ...process.env, TRIBUTARY_DATA_DIR: dataDir, LOG_LEVEL: 'info', TRIBUTARY_PENDING_INSTALLS_INTERVAL_MS: '0' };
    env.PORT = String(await freePort());
    env.TRIBUTARY_POSTGRES_PORT = String(await freePort());
    env.TRIBUTARY_TEMPORAL_PORT = String(await freePort());
    env.TRIBUTARY_WEBAPP_PORT = String(await freePort());
    env.TRIBUTARY_SERVER_METRICS_PORT = String(await freePort());
    env.TRIBUTARY_WORKER_METRICS_PORT = String(await freePort());
    env.TRIBUTARY_CRON_METRICS_PORT = String(await freePort());
    for (const name of [
      'DATABASE_URL',
      'TEMPORAL_ADDRESS',
      'TEMPORAL_NAMESPACE',
      'TEMPORAL_TASK_QUEUE',
      'TRIBUTARY_SECRET_KEY',
      'TRIBUTARY_ADMIN_TOKEN',
      'TRIBUTARY_ADMIN_EMAIL',
      'TRIBUTARY_ADMIN_PASSWORD',
      'TRIBUTARY_PUBLIC_UI_URL',
      'HOST',
      'TRIBUTARY_PUBLIC_URL',
    ]) {
      delete env[name];
    }
  });

  afterAll(async () => {
    // only matters when a test failed half-way
    for (const pid of seen) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await run('bash', [postgresScript, 'stop', join(dataDir, 'postgres')]).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  let firstToken: string;

  it('serves the API with the token it prints, and on SIGINT stops every process it started and exits 0', async () => {
    const supervisor = startSupervisor(env);
    const { apiUrl, token } = await ready(supervisor);
    firstToken = token;
    expect(apiUrl).toBe(`http://127.0.0.1:${env.PORT}/api/v1`);
    expect(supervisor.output()).toContain(`curl -H "Authorization: Bearer ${token}" ${apiUrl}/workspaces`);

    const health = await fetch(`${apiUrl}/health`);
    expect(health.status).toBe(200);
    const workspaces = await fetch(`${apiUrl}/workspaces`, { headers: { authorization: `Bearer ${token}` } });
    expect(workspaces.status).toBe(200);
    expect(((await workspaces.json()) as { data: { name: string }[] }).data.map((w) => w.name)).toContain('Default Workspace');
    expect((await fetch(`${apiUrl}/workspaces`)).status).toBe(401);

    // one URL for people: the web UI, whose sign-in takes the password shown this once
    const uiUrl = /^\s+Web UI:\s+(\S+)/m.exec(supervisor.output())?.[1];
    expect(uiUrl).toBe(`http://127.0.0.1:${env.TRIBUTARY_WEBAPP_PORT}`);
    const password = (await readFile(join(dataDir, 'admin-password'), 'utf8')).trim();
    expect(supervisor.output()).toContain(`admin@tributary.local, password ${password} (shown this once`);
    expect((await fetch(`${uiUrl}/sign-in`)).status).toBe(200);
    const session = await fetch(`${apiUrl}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@tributary.local', password }),
    });
    expect(session.status).toBe(201);

    // secrets generated once, readable only by their owner
    expect((await readFile(join(dataDir, 'admin-token'), 'utf8')).trim()).toBe(token);
    for (const file of ['admin-token', 'admin-password', 'secret-key']) expect((await stat(join(dataDir, file))).mode & 0o777).toBe(0o600);
    for (const log of ['bootloader', 'server', 'worker', 'temporal', 'webapp'])
      expect((await stat(join(dataDir, 'logs', `${log}.log`))).size).toBeGreaterThan(0);
    // the logs are the owner's only, and the admin token and password are on the console, never in them
    const logDir = join(dataDir, 'logs');
    expect((await stat(logDir)).mode & 0o777).toBe(0o700);
    const logFiles = await readdir(logDir);
    expect(logFiles).toEqual(expect.arrayContaining(['bootloader.log', 'server.log', 'worker.log', 'temporal.log', 'webapp.log', 'postgres.log']));
    for (const file of logFiles) {
      expect((await stat(join(logDir, file))).mode & 0o777, file).toBe(0o600);
      const text = await readFile(join(logDir, file), 'utf8');
      expect(text.includes(token), `${file} holds the admin token`).toBe(false);
      expect(text.includes(password), `${file} holds the admin password`).toBe(false);
    }

    const pids = await stackPids(supervisor);
    const commands = pids.map(commandLine).join('\n');
    for (const piece of ['apps/server/dist/main.js', 'apps/worker/dist/main.js', 'next-server', 'server start-dev', 'postgres'])
      expect(commands).toContain(piece);

    const beforeStop = supervisor.output().length;
    supervisor.child.kill('SIGINT');
    expect(await supervisor.exited, supervisor.output()).toEqual({ code: 0, signal: null });
    expect(pids.filter(isAlive), supervisor.output()).toEqual([]);
    // a clean stop says what it stops, and nothing alarming
    const stopping = supervisor.output().slice(beforeStop);
    expect(stopping).toContain('stopping worker');
    expect(stopping).not.toMatch(/error|canceled|fatal/i);
  });

  it('reuses its data and token on restart; restarts a crashed service or database, and gives up on a crash loop', async () => {
    // one restart per service allowed, so that the second crash is a crash loop
    const supervisor = startSupervisor({ ...env, TRIBUTARY_RESTART_LIMIT: '1' });
    const { apiUrl, token } = await ready(supervisor);
    expect(token).toBe(firstToken);
    // the password is shown on the first start only
    expect(supervisor.output()).toContain(`admin@tributary.local, password in ${join(dataDir, 'admin-password')}`);
    expect((await fetch(`${apiUrl}/workspaces`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    const workerPid = async () => (await stackPids(supervisor)).find((pid) => commandLine(pid).includes('apps/worker/dist/main.js'));
    const worker = await workerPid();
    expect(worker).toBeDefined();
    process.kill(worker ?? -1, 'SIGKILL');
    // said on the console, and a new worker runs
    await waitFor('the worker restarted', async () => {
      const pid = await workerPid();
      return pid !== undefined && pid !== worker ? true : undefined;
    }, 30_000);
    expect(supervisor.output()).toMatch(/worker was killed by SIGKILL; restarting it in 1 s \(log: .*worker\.log\)/);
    // up again: the new worker has connected and started (its log says so)
    const workerLog = join(dataDir, 'logs', 'worker.log');
    const restartedPid = await workerPid();
    const started = (line: string) => line.includes('worker started') && line.includes(`"pid":${restartedPid}`);
    await waitFor('the restarted worker to start', async () => ((await readFile(workerLog, 'utf8')).split('\n').some(started) ? true : undefined), 60_000);

    // PostgreSQL (daemonized by pg_ctl) is watched too
    const postmasterFile = join(dataDir, 'postgres', 'postmaster.pid');
    const postmaster = Number((await readFile(postmasterFile, 'utf8')).split('\n')[0]);
    process.kill(postmaster, 'SIGKILL');
    await waitFor(
      () => `PostgreSQL restarted; the supervisor said:\n${supervisor.output().slice(-3000)}`,
      async () => {
        const pid = Number((await readFile(postmasterFile, 'utf8').catch(() => '')).split('\n')[0]);
        return pid && pid !== postmaster && isAlive(pid) ? true : undefined;
      },
      60_000,
    );
    expect(supervisor.output()).toMatch(/postgres stopped \(its postmaster is gone\); restarting it/);
    await waitFor(() => `the API to answer again; the supervisor said:\n${supervisor.output().slice(-3000)}`, async () => {
      const response = await fetch(`${apiUrl}/workspaces`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
      return response?.status === 200 ? true : undefined;
    }, 60_000);

    // the worker's second crash within ten minutes is one too many
    const pids = await stackPids(supervisor);
    process.kill((await workerPid()) ?? -1, 'SIGKILL');
    const exit = await supervisor.exited;
    expect(exit.code, supervisor.output()).toBe(1);
    expect(supervisor.output()).toMatch(/worker was killed by SIGKILL \(log: .*worker\.log\); it crashed 2 times in 10 minutes: giving up/);
    expect(pids.filter(isAlive), supervisor.output()).toEqual([]);
  });
});
