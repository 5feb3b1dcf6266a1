// The embedded Tributary stack: PostgreSQL and Temporal (unless external ones are given),
// the bootloader (must exit 0), then the Config API server and the worker. `start()` brings
// it up and resolves once the API answers; `stop()` takes it down in reverse order.
//
//   const stack = new Stack(stackSettings());
//   const info = await stack.start();      // { apiUrl, docsUrl, adminToken, ... }
//   stack.failure.then(...)                 // a service died on its own
//   await stack.stop();
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmbeddedPostgres, stopEmbeddedPostgres } from './postgres.mjs';
import { describeExit, startService } from './service.mjs';
import { REPO_ROOT, newAdminToken, newPassword, newSecretKey, persistentSecret } from './settings.mjs';
import { startEmbeddedTemporal, waitForTemporal } from './temporal.mjs';

/** how long a service gets between SIGTERM and SIGKILL */
const STOP_GRACE_MS = { server: 10_000, worker: 15_000, bootloader: 5_000, temporal: 10_000, webapp: 5_000 };
const READY_TIMEOUT_MS = 120_000;
/**
 * The worker's young generation capped at 4 MiB per semi-space (V8's default is 16): its main
 * thread is mostly idle while it forwards records, so smaller, more frequent scavenges cost
 * nothing, and ten syncs at once peak at ~240 MiB instead of ~300 (bench:concurrent-syncs).
 * apps/worker/Dockerfile starts it the same way.
 */
const WORKER_NODE_FLAGS = ['--max-semi-space-size=4'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** 'R', 'S', 'Z' (a zombie nobody reaped) ... of a process; undefined when there is none. */
function processState(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

const postmasterPid = (pidFile) => {
  try {
    return Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
};

/** The postmaster in `pidFile` runs (a zombie, which nobody reaped, does not). */
function postmasterAlive(pidFile) {
  const pid = postmasterPid(pidFile);
  const state = pid === undefined ? undefined : processState(pid);
  return state !== undefined && state !== 'Z';
}

/**
 * Starts PostgreSQL again after its postmaster died. A zombie postmaster still "exists" for
 * kill(pid, 0), so PostgreSQL (and pg_ctl) would take its lock file for a live server: that
 * stale file goes. Its old backends may hold the shared memory a few seconds more: tried again.
 */
async function restartPostgres(pidFile, start) {
  for (let attempt = 1; ; attempt++) {
    const pid = postmasterPid(pidFile);
    if (pid !== undefined && processState(pid) === 'Z') rmSync(pidFile, { force: true });
    try {
      return await start();
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(2000);
    }
  }
}
const defaultLog = (line) => process.stderr.write(`\x1b[1m[tributary]\x1b[0m ${line}\n`);

/** A service that ended on its own: which one, how, and the last lines it printed. */
export class ServiceFailure extends Error {
  constructor(service, message) {
    super(message);
    this.service = service;
  }

  /** "worker exited with code 1 (log: ...)" and the last lines it printed */
  static of(service, exit, logFile) {
    const tail = service.tail().trim();
    return new ServiceFailure(service.name, `${service.name} ${describeExit(exit)} (log: ${logFile})${tail ? `\n  ${tail.split('\n').join('\n  ')}` : ''}`);
  }
}

class StackStopped extends Error {
  constructor() {
    super('the stack is stopping');
  }
}

export class Stack {
  #services = new Map();
  #postgresDir;
  #stopping = false;
  #stopped;
  #starting = Promise.resolve();
  #failed;
  #reportFailure;
  /** crash times per service name, for the crash-loop limit */
  #crashes = new Map();
  #restartingPostgres = false;

  /**
   * @param {ReturnType<import('./settings.mjs').stackSettings>} settings
   * @param {{ log?: (line: string) => void, onServiceError?: (service: string, message: string) => void }} [hooks]
   */
  constructor(settings, hooks = {}) {
    this.settings = settings;
    this.log = hooks.log ?? defaultLog;
    const onServiceError = hooks.onServiceError ?? ((service, message) => this.log(`${service}: ${message}`));
    // errors while stopping are expected noise (Temporal's "context canceled"): they stay in the logs
    this.onServiceError = (service, message) => {
      if (!this.#stopping) onServiceError(service, message);
    };
    /** resolves with a ServiceFailure when a long-running service dies while the stack is not stopping */
    this.failure = new Promise((resolve) => (this.#reportFailure = resolve));
  }

  /** the process id of a running service (e.g. 'worker'), for benchmarks that watch it */
  pidOf(name) {
    return this.#services.get(name)?.pid;
  }

  get stopping() {
    return this.#stopping;
  }

  start() {
    this.#starting = this.#start();
    return this.#starting;
  }

  async #start() {
    const s = this.settings;
    // the logs are the owner's only: they hold what the services say about the data they move
    await mkdir(s.logDir, { recursive: true, mode: 0o700 });
    await chmod(s.logDir, 0o700);
    const secretKey = s.secretKey ?? (await persistentSecret(join(s.dataDir, 'secret-key'), newSecretKey));
    const adminToken = s.adminToken ?? (await persistentSecret(join(s.dataDir, 'admin-token'), newAdminToken));
    // the web UI's first user: its password is shown on the first start only, then it is in the file
    const passwordFile = join(s.dataDir, 'admin-password');
    const passwordIsNew = !s.adminPassword && !existsSync(passwordFile);
    const adminPassword = s.adminPassword ?? (await persistentSecret(passwordFile, newPassword));

    const [database, temporal] = await Promise.allSettled([this.#database(), this.#temporal()]);
    if (database.status === 'rejected') throw database.reason;
    if (temporal.status === 'rejected') throw temporal.reason;
    this.#checkStopping();
    const appEnv = {
      ...process.env,
      DATABASE_URL: database.value,
      TEMPORAL_ADDRESS: temporal.value,
      TEMPORAL_NAMESPACE: s.temporalNamespace,
      TEMPORAL_TASK_QUEUE: s.temporalTaskQueue,
      // connector installs, attempt logs (<data dir>/storage unless TRIBUTARY_STORAGE_DIR says otherwise)
      TRIBUTARY_DATA_DIR: s.dataDir,
    };

    this.log('bootloader: migrations, connector definitions, default workspace, admin token and user');
    const bootloader = this.#startNode('bootloader', 'apps/bootloader/dist/main.js', {
      ...appEnv,
      TRIBUTARY_ADMIN_TOKEN: adminToken,
      TRIBUTARY_ADMIN_EMAIL: s.adminEmail,
      TRIBUTARY_ADMIN_PASSWORD: adminPassword,
    });
    const booted = await this.#unlessStopping(bootloader.exited);
    this.#services.delete('bootloader');
    if (booted.code !== 0) throw ServiceFailure.of(bootloader, booted, this.#logFile('bootloader'));

    this.log(`starting the API server and the worker (logs in ${s.logDir})`);
    const serviceEnv = { ...appEnv, TRIBUTARY_SECRET_KEY: secretKey };
    this.#supervise(() => this.#startNode('server', 'apps/server/dist/main.js', { ...serviceEnv, PORT: String(s.apiPort), HOST: s.apiHost, TRIBUTARY_METRICS_PORT: String(s.serverMetricsPort) }));
    // the worker's secrets go on its stdin: connectors it runs could read its environment in /proc
    const { DATABASE_URL, TRIBUTARY_SECRET_KEY, TRIBUTARY_S3_SECRET_ACCESS_KEY, ...workerEnv } = serviceEnv;
    let workerSecrets = `DATABASE_URL=${DATABASE_URL}\nTRIBUTARY_SECRET_KEY=${TRIBUTARY_SECRET_KEY}\n`;
    if (TRIBUTARY_S3_SECRET_ACCESS_KEY) workerSecrets += `TRIBUTARY_S3_SECRET_ACCESS_KEY=${TRIBUTARY_S3_SECRET_ACCESS_KEY}\n`;
    this.#supervise(() => this.#startNode('worker', 'apps/worker/dist/main.js', { ...workerEnv, TRIBUTARY_ENV_STDIN: '1', TRIBUTARY_METRICS_PORT: String(s.workerMetricsPort) }, [], workerSecrets, WORKER_NODE_FLAGS));
    await this.#waitForHealth();
    // maintenance (retention); after the server, which records the log storage it reads
    this.#supervise(() => this.#startNode('cron', 'apps/cron/dist/main.js', { ...appEnv, TRIBUTARY_METRICS_PORT: String(s.cronMetricsPort) }));
    // the web UI's production build (tools/build-webapp.sh); its server calls the API on loopback
    this.log('starting the web UI');
    this.#supervise(() =>
      this.#startNode('webapp', 'node_modules/next/dist/bin/next', {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        TRIBUTARY_API_URL: this.#localUrl(''),
        TRIBUTARY_PUBLIC_API_URL: s.publicUrl,
      }, ['start', 'apps/webapp', '-p', String(s.webappPort), '-H', s.apiHost]),
    );
    await this.#waitForWebapp();
    const tokenWorks = await this.#tokenWorks(adminToken);
    return {
      uiUrl: s.publicUiUrl,
      adminEmail: s.adminEmail,
      newAdminPassword: passwordIsNew ? adminPassword : undefined,
      adminPasswordFile: s.adminPassword ? undefined : passwordFile,
      apiUrl: `${s.publicUrl}/api/v1`,
      docsUrl: `${s.publicUrl}/api/docs`,
      adminToken,
      tokenWorks,
      adminTokenFile: s.adminToken ? undefined : join(s.dataDir, 'admin-token'),
      databaseUrl: database.value,
      temporalAddress: temporal.value,
      dataDir: s.dataDir,
      logDir: s.logDir,
    };
  }

  /** Stops the services (server and worker first), then the Temporal and Postgres it started. Idempotent. */
  stop() {
    this.#stopping = true;
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop() {
    // a start still in flight notices #stopping at its next step; tear down after it has settled
    const apps = ['bootloader', 'webapp', 'server', 'worker'].map((name) => this.#services.get(name)).filter(Boolean);
    await Promise.all(apps.map((service) => this.#stopService(service)));
    await this.#starting.catch(() => undefined);
    await Promise.all([...this.#services.values()].filter((s) => s.name !== 'temporal').map((service) => this.#stopService(service)));
    const temporal = this.#services.get('temporal');
    if (temporal) await this.#stopService(temporal);
    if (this.#postgresDir) {
      this.log('stopping PostgreSQL');
      await stopEmbeddedPostgres(this.#postgresDir).catch((error) => this.log(error.message));
      this.#postgresDir = undefined;
    }
  }

  /** SIGKILL whatever still runs and stop Postgres, synchronously: for `process.on('exit')`. */
  kill() {
    for (const service of this.#services.values()) if (service.isRunning()) service.kill();
    if (this.#postgresDir) {
      try {
        execFileSync('bash', [join(REPO_ROOT, 'tools', 'postgres.sh'), 'stop', this.#postgresDir], { stdio: 'ignore' });
      } catch {
        // nothing more to do on the way out
      }
    }
  }

  async #stopService(service) {
    if (service.isRunning()) this.log(`stopping ${service.name}`);
    await service.stop(STOP_GRACE_MS[service.name] ?? 10_000);
    this.#services.delete(service.name);
  }

  async #database() {
    const s = this.settings;
    if (s.databaseUrl) return s.databaseUrl;
    this.log(`PostgreSQL on 127.0.0.1:${s.postgresPort} (data in ${join(s.dataDir, 'postgres')})`);
    const start = () => startEmbeddedPostgres({ dataDir: s.dataDir, logDir: s.logDir, port: s.postgresPort });
    const postgres = await start();
    this.#postgresDir = postgres.dir;
    this.#watchPostgres(postgres.dir, start);
    return postgres.url;
  }

  /**
   * pg_ctl daemonizes PostgreSQL, so nothing is told when it dies: its postmaster is looked
   * at every two seconds, and restarted like any other service.
   */
  #watchPostgres(dir, start) {
    const pidFile = join(dir, 'postmaster.pid');
    const timer = setInterval(async () => {
      if (this.#stopping || this.#failed || this.#restartingPostgres || postmasterAlive(pidFile)) return;
      this.#restartingPostgres = true;
      try {
        if (await this.#restartAfterCrash('postgres', 'stopped (its postmaster is gone)', () => '')) await restartPostgres(pidFile, start);
      } catch (error) {
        this.#fail(new Error(`postgres could not be restarted: ${error.message} (log: ${this.#logFile('postgres')})`));
      } finally {
        this.#restartingPostgres = false;
      }
    }, 2000);
    timer.unref();
  }

  async #temporal() {
    const s = this.settings;
    if (s.temporalAddress) {
      await waitForTemporal(s.temporalAddress, s.temporalNamespace, { timeoutMs: 30_000, gaveUp: () => this.#stopping && 'stopping' });
      return s.temporalAddress;
    }
    this.log(`Temporal dev server on 127.0.0.1:${s.temporalPort} (state in ${join(s.dataDir, 'temporal')})`);
    const { service, address } = await startEmbeddedTemporal({
      dataDir: s.dataDir,
      logDir: s.logDir,
      port: s.temporalPort,
      namespace: s.temporalNamespace,
      env: process.env,
      onError: this.onServiceError,
    });
    this.#services.set('temporal', service);
    this.#supervise(
      () => service,
      async () => {
        const restarted = await startEmbeddedTemporal({ dataDir: s.dataDir, logDir: s.logDir, port: s.temporalPort, namespace: s.temporalNamespace, env: process.env, onError: this.onServiceError });
        this.#services.set('temporal', restarted.service);
        return restarted.service;
      },
    );
    await waitForTemporal(address, s.temporalNamespace, { timeoutMs: READY_TIMEOUT_MS, gaveUp: () => this.#gaveUp() });
    return address;
  }

  #startNode(name, script, env, args = [], stdin = undefined, nodeFlags = []) {
    const service = startService({
      name,
      command: process.execPath,
      args: [...nodeFlags, join(REPO_ROOT, script), ...args],
      env,
      stdin,
      cwd: REPO_ROOT,
      logFile: this.#logFile(name),
      onError: this.onServiceError,
    });
    this.#services.set(name, service);
    return service;
  }

  #logFile(name) {
    return join(this.settings.logDir, `${name}.log`);
  }

  /**
   * Starts a service and keeps it running: one that ends while the stack is not stopping is
   * started again after a backoff (1, 2, 4 ... 30 s), said on the console. One that crashes
   * more than `restartLimit` times within `restartWindowMs` is crash-looping: that is a failure
   * of the whole stack. `restart` defaults to `start`.
   */
  #supervise(start, restart = start) {
    const watch = (service) =>
      void service.exited.then(async (exit) => {
        if (this.#stopping || this.#failed) return;
        if (!(await this.#restartAfterCrash(service.name, describeExit(exit), () => service.tail()))) return;
        try {
          watch(await restart());
        } catch (error) {
          this.#fail(new Error(`${service.name} could not be restarted: ${error.message} (log: ${this.#logFile(service.name)})`));
        }
      });
    watch(start());
  }

  /**
   * Counts a crash ("worker was killed by SIGKILL") and waits out the backoff; false when the
   * stack gives up (a crash loop) or stops meanwhile.
   */
  async #restartAfterCrash(name, how, tail) {
    const { restartLimit, restartWindowMs } = this.settings;
    const now = Date.now();
    const crashes = [...(this.#crashes.get(name) ?? []), now].filter((at) => now - at < restartWindowMs);
    this.#crashes.set(name, crashes);
    const log = this.#logFile(name);
    if (crashes.length > restartLimit) {
      const last = tail().trim();
      const minutes = Math.round(restartWindowMs / 60_000);
      this.#fail(
        new ServiceFailure(
          name,
          `${name} ${how} (log: ${log}); it crashed ${crashes.length} times in ${minutes} minutes: giving up${last ? `\n  ${last.split('\n').join('\n  ')}` : ''}`,
        ),
      );
      return false;
    }
    const delayMs = Math.min(30_000, 1000 * 2 ** (crashes.length - 1));
    this.log(`${name} ${how}; restarting it in ${delayMs / 1000} s (log: ${log})`);
    await sleep(delayMs);
    if (this.#stopping || this.#failed) return false;
    this.log(`restarting ${name}`);
    return true;
  }

  #fail(failure) {
    if (this.#failed) return;
    this.#failed = failure;
    this.#reportFailure(failure);
  }

  #gaveUp() {
    if (this.#failed) return this.#failed.message;
    if (this.#stopping) return 'the stack is stopping';
    return undefined;
  }

  #checkStopping() {
    if (this.#failed) throw this.#failed;
    if (this.#stopping) throw new StackStopped();
  }

  async #unlessStopping(promise) {
    const result = await Promise.race([promise, this.#whenStopping()]);
    this.#checkStopping();
    return result;
  }

  async #whenStopping() {
    while (!this.#stopping) await sleep(100);
  }

  #localUrl(path) {
    const { apiHost, apiPort } = this.settings;
    const host = apiHost === '0.0.0.0' || apiHost === '::' ? '127.0.0.1' : apiHost;
    return `http://${host}:${apiPort}${path}`;
  }

  async #waitForHealth() {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      this.#checkStopping();
      try {
        const response = await fetch(this.#localUrl('/api/v1/health'), { signal: AbortSignal.timeout(2000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`the API did not answer GET /api/v1/health within ${READY_TIMEOUT_MS / 1000} s (log: ${this.#logFile('server')})`);
      await sleep(200);
    }
  }

  async #waitForWebapp() {
    const { apiHost, webappPort } = this.settings;
    const host = apiHost === '0.0.0.0' || apiHost === '::' ? '127.0.0.1' : apiHost;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      this.#checkStopping();
      try {
        const response = await fetch(`http://${host}:${webappPort}/sign-in`, { signal: AbortSignal.timeout(5000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the web UI did not answer within ${READY_TIMEOUT_MS / 1000} s (log: ${this.#logFile('webapp')})`);
      await sleep(200);
    }
  }

  /** the bootloader only uses TRIBUTARY_ADMIN_TOKEN when the database has no token yet */
  async #tokenWorks(token) {
    try {
      const response = await fetch(this.#localUrl('/api/v1/workspaces?limit=1'), { headers: { authorization: `Bearer ${token}` } });
      return response.ok;
    } catch {
      return false;
    }
  }
}
