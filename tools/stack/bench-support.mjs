// What the stack benchmarks (tools/bench-api.mjs, tools/bench-e2e.mjs) share: the embedded
// stack on free ports with a throwaway data dir, and the few API calls a user makes to get
// from nothing to a connection.
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.mjs';
import { Stack } from './stack.mjs';
import { stackSettings } from './settings.mjs';

export const log = (line) => process.stderr.write(`[bench] ${line}\n`);

/**
 * Starts the stack in a temp data dir (DATABASE_URL / TEMPORAL_ADDRESS still select external
 * ones). Returns the API client, the stack's details and `stop()`, which also removes the dir
 * (unless BENCH_KEEP_DATA is set: then its logs can be read afterwards).
 */
export async function startBenchStack(label) {
  const dataDir = await mkdtemp(join(tmpdir(), `tributary-bench-${label}-`));
  // as root, PostgreSQL runs as another user, who must reach <data dir>/postgres
  await chmod(dataDir, 0o755);
  const settings = stackSettings({
    ...process.env,
    TRIBUTARY_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    TRIBUTARY_POSTGRES_PORT: String(await freePort()),
    TRIBUTARY_TEMPORAL_PORT: String(await freePort()),
    TRIBUTARY_WEBAPP_PORT: String(await freePort()),
    TRIBUTARY_SERVER_METRICS_PORT: String(await freePort()),
    TRIBUTARY_WORKER_METRICS_PORT: String(await freePort()),
    TRIBUTARY_CRON_METRICS_PORT: String(await freePort()),
  });
  const stack = new Stack(settings, { log: (line) => log(`stack: ${line}`) });
  process.on('exit', () => stack.kill());
  const stop = async () => {
    await stack.stop();
    if (process.env.BENCH_KEEP_DATA) log(`data and logs kept in ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stop().finally(() => process.exit(130)));
  let info;
  try {
    info = await stack.start();
  } catch (error) {
    await stop();
    throw error;
  }
  // a service dying mid-benchmark ends it: its figures would mean nothing
  void stack.failure.then((failure) => {
    log(failure.message);
    void stop().finally(() => process.exit(1));
  });
  return { info, api: apiClient(info.apiUrl, info.adminToken), stop, pidOf: (name) => stack.pidOf(name) };
}

/**
 * For benchmarks of PyPI connectors: the stack's worker installs them into the tests' per-user
 * cache (`installDir`, installed once per machine) and runs them as the worker's own user (a
 * root worker's default user, nobody, cannot enter that cache in the owner's home); seeded
 * connectors do not install in the background meanwhile. Call before startBenchStack.
 */
export function useConnectorCache(installDir) {
  process.env.TRIBUTARY_CONNECTORS_DIR ??= installDir;
  process.env.TRIBUTARY_CONNECTOR_USER ??= String(process.getuid?.() ?? 0);
  process.env.TRIBUTARY_PENDING_INSTALLS_INTERVAL_MS ??= '0';
}

/** Adds a PyPI connector definition (instance admin) and waits until it is installed; its id. */
export async function addPypiDefinition(api, kind, name, runtime) {
  const definition = await api.json('POST', `/${kind}-definitions`, { name, runtime }, [201]);
  for (;;) {
    const spec = await api.call('GET', `/${kind}-definitions/${definition.id}/specification`, undefined, [200, 503]);
    if (spec.status === 200) return definition.id;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The configuration of destination-postgres writing into `schema` of the stack's own database. */
export function postgresDestinationConfig(databaseUrl, schema) {
  const db = new URL(databaseUrl);
  return {
    host: db.hostname,
    port: Number(db.port || 5432),
    database: decodeURIComponent(db.pathname.slice(1)),
    username: decodeURIComponent(db.username),
    password: decodeURIComponent(db.password),
    schema,
  };
}

/** fetch with the bearer token; throws on an unexpected status, with the problem+json body */
export function apiClient(apiUrl, token) {
  const call = async (method, path, body, expected = [200, 201]) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!expected.includes(response.status)) throw new Error(`${method} ${path} -> ${response.status} ${text.slice(0, 2000)}`);
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    apiUrl,
    token,
    call,
    async json(method, path, body, expected) {
      return (await call(method, path, body, expected)).body;
    },
  };
}

async function definitionId(api, kind, name) {
  const page = await api.json('GET', `/${kind}-definitions?limit=1000`);
  const found = page.data.find((d) => d.name === name);
  if (!found) throw new Error(`no ${kind} definition named ${name} (have: ${page.data.map((d) => d.name).join(', ')})`);
  return found.id;
}

/** Creates a source or destination from a connector definition name; returns its id. */
export async function createActor(api, kind, definitionName, configuration) {
  const workspaces = await api.json('GET', '/workspaces?limit=1');
  const body = {
    workspaceId: workspaces.data[0].id,
    definitionId: await definitionId(api, kind, definitionName),
    name: `bench ${definitionName}`,
    configuration,
  };
  return (await api.json('POST', `/${kind}s`, body, [201])).id;
}

/** Every stream the source offers, for POST /connections (discover runs on the worker). */
export async function allStreams(api, sourceId, syncMode = 'full_refresh_overwrite') {
  const schema = await api.json('POST', `/sources/${sourceId}/discover`, undefined, [200]);
  return schema.streams.map((s) => ({ name: s.name, namespace: s.namespace ?? null, syncMode }));
}

/**
 * POST /jobs for a sync of the connection, then waits for it to succeed; returns the job and
 * the seconds from `startedAt` (default: just before the POST, Date.now()) to the job's own
 * last update (its `succeeded`). Polling only learns that it ended: every `pollMs` (default
 * 250), so the requests do not load the machine the sync runs on, and the interval adds
 * nothing to the figure. `onPoll` sees each state of the job as it is polled.
 */
export async function timedSync(
  api,
  connectionId,
  { pollMs = 250, timeoutMs = 1_800_000, startedAt = Date.now(), onPoll = () => {} } = {},
) {
  const started = startedAt;
  const job = await api.json('POST', '/jobs', { connectionId, jobType: 'sync' }, [201]);
  for (;;) {
    const current = await api.json('GET', `/jobs/${job.id}`);
    onPoll(current);
    if (current.status === 'succeeded') return { job: current, s: (Date.parse(current.updatedAt) - started) / 1000 };
    if (current.status === 'failed' || current.status === 'cancelled') {
      throw new Error(`job ${job.id} ${current.status}: ${JSON.stringify(current.attempts.flatMap((a) => a.failureReasons))}`);
    }
    if (Date.now() - started > timeoutMs) throw new Error(`job ${job.id} still ${current.status}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** nearest-rank percentile of numbers */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** CPU time of the whole machine so far, from /proc/stat: [idle, total] in clock ticks. */
async function cpuTicks() {
  const fields = (await readFile('/proc/stat', 'utf8')).split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return [fields[3] + fields[4], fields.reduce((a, b) => a + b, 0)];
}

/** clock ticks per second of /proc's CPU times (100 on Linux unless getconf says otherwise) */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A process's /proc stat fields by their number in proc(5) (from 3, state, on), or undefined once it is gone. */
async function statFields(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // the command name (field 2) may hold spaces: the fields after it follow its closing parenthesis
  const rest = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return (field) => rest[field - 3];
}

/**
 * CPU seconds of process `pid` (default: this one): its own, and with `waited` those of the
 * children it has waited for (a connector this process spawned, once it has exited).
 */
export async function processCpuSeconds(pid = 'self', { waited = false } = {}) {
  const field = await statFields(pid);
  if (!field) return 0;
  return (field(14) + field(15) + (waited ? field(16) + field(17) : 0)) / CLOCK_TICKS;
}

/** CPU seconds of a server and all its children, running or waited for (PostgreSQL's postmaster and backends). */
export async function serverCpuSeconds(pid) {
  let seconds = await processCpuSeconds(pid, { waited: true });
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const field = await statFields(entry);
    if (field && field(4) === pid) seconds += (field(14) + field(15)) / CLOCK_TICKS;
  }
  return seconds;
}

/**
 * How busy the machine is over a stretch: `await meter.busyCores()` is the average number of
 * cores in use since `cpuMeter()` was called (the whole machine, from /proc/stat). A figure near
 * the core count means the CPU is the limit, not a queue or a lock.
 */
export async function cpuMeter() {
  const [idle, total] = await cpuTicks();
  return {
    async busyCores() {
      const [idleNow, totalNow] = await cpuTicks();
      return cpus().length * (1 - (idleNow - idle) / Math.max(1, totalNow - total));
    },
  };
}

/**
 * Waits until the machine is mostly idle for two seconds in a row (at most maxS): what a
 * setup step left running (e.g. 1,000 connection workflows starting) must not be measured
 * as the latency of the thing benchmarked next.
 */
export async function waitForQuiet({ idleShare = 0.85, maxS = 180 } = {}) {
  const deadline = Date.now() + maxS * 1000;
  let quietSeconds = 0;
  let [idle, total] = await cpuTicks();
  while (Date.now() < deadline && quietSeconds < 2) {
    await new Promise((r) => setTimeout(r, 1000));
    const [idleNow, totalNow] = await cpuTicks();
    const share = (idleNow - idle) / Math.max(1, totalNow - total);
    [idle, total] = [idleNow, totalNow];
    quietSeconds = share >= idleShare ? quietSeconds + 1 : 0;
  }
  return quietSeconds >= 2;
}

/**
 * Puts what earlier rounds wrote on disk before the next measurement: a CHECKPOINT of the
 * stack's PostgreSQL (its superuser is trusted on loopback), then sync(1). Without it a round
 * paid, at a moment nobody chose, for the write-back of the rounds before it (the kernel
 * writes dirty pages 30 s after they were made; PostgreSQL checkpoints every ~1 GB of WAL):
 * bench:real-source's later rounds read lower than its first ones for that alone. Each round's
 * own writes are still made within it; their write-back lands after it, as in the first round.
 * Returns the seconds it took.
 */
export async function settleDisk(databaseUrl) {
  const started = performance.now();
  const admin = new URL(databaseUrl);
  admin.username = 'postgres';
  admin.password = '';
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
    await client.query('CHECKPOINT');
  } catch (error) {
    // an external DATABASE_URL without a trusted superuser: its write-back is not settled
    log(`no CHECKPOINT as postgres (${error.message}): the disk is settled without it`);
  } finally {
    await client.end().catch(() => {});
  }
  execFileSync('sync');
  return (performance.now() - started) / 1000;
}
