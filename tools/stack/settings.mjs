// What the embedded stack runs on, from the environment. Every value has a default, so a
// plain `npm start` works; tests and benchmarks move ports and the data dir.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function port(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a port number (1-65535), got '${raw}'`);
  return value;
}

function count(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (0 or more), got '${raw}'`);
  return value;
}

/** @param {NodeJS.ProcessEnv} env */
export function stackSettings(env = process.env) {
  const dataDir = resolve(env.TRIBUTARY_DATA_DIR || join(REPO_ROOT, '.data'));
  const apiHost = env.HOST || '127.0.0.1';
  const apiPort = port(env, 'PORT', 8000);
  const publicHost = apiHost === '0.0.0.0' || apiHost === '::' ? '127.0.0.1' : apiHost;
  return {
    dataDir,
    logDir: join(dataDir, 'logs'),
    apiHost,
    apiPort,
    publicUrl: (env.TRIBUTARY_PUBLIC_URL || `http://${publicHost}:${apiPort}`).replace(/\/$/, ''),
    /** the web UI (`next start`), on the API's host */
    webappPort: port(env, 'TRIBUTARY_WEBAPP_PORT', 3000),
    publicUiUrl: (env.TRIBUTARY_PUBLIC_UI_URL || `http://${publicHost}:${port(env, 'TRIBUTARY_WEBAPP_PORT', 3000)}`).replace(/\/$/, ''),
    /** each service's ops server (GET /metrics, /livez, /readyz), on loopback */
    serverMetricsPort: port(env, 'TRIBUTARY_SERVER_METRICS_PORT', 9464),
    workerMetricsPort: port(env, 'TRIBUTARY_WORKER_METRICS_PORT', 9465),
    cronMetricsPort: port(env, 'TRIBUTARY_CRON_METRICS_PORT', 9466),
    /** set: use that database; unset: a PostgreSQL server in <data dir>/postgres on postgresPort */
    databaseUrl: env.DATABASE_URL || undefined,
    postgresPort: port(env, 'TRIBUTARY_POSTGRES_PORT', 15432),
    /** set: use that Temporal; unset: `temporal server start-dev` on temporalPort */
    temporalAddress: env.TEMPORAL_ADDRESS || undefined,
    temporalPort: port(env, 'TRIBUTARY_TEMPORAL_PORT', 7233),
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    temporalTaskQueue: env.TEMPORAL_TASK_QUEUE || 'tributary',
    secretKey: env.TRIBUTARY_SECRET_KEY || undefined,
    adminToken: env.TRIBUTARY_ADMIN_TOKEN || undefined,
    adminEmail: env.TRIBUTARY_ADMIN_EMAIL || 'admin@tributary.local',
    adminPassword: env.TRIBUTARY_ADMIN_PASSWORD || undefined,
    /** a service that crashes more often than this within restartWindowMs is crash-looping: the stack gives up */
    restartLimit: count(env, 'TRIBUTARY_RESTART_LIMIT', 5),
    restartWindowMs: 10 * 60_000,
  };
}

/**
 * The content of `file`, created once with `generate()` (mode 0600) when missing: secrets
 * are generated on the first start and reused by every later one.
 */
export async function persistentSecret(file, generate) {
  try {
    const value = (await readFile(file, 'utf8')).trim();
    if (value) return value;
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(file), { recursive: true });
  const value = generate();
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return value;
}

export const newSecretKey = () => randomBytes(32).toString('base64');
/** the same shape as the tokens the API mints (`trb_` + 32 random bytes) */
export const newAdminToken = () => `trb_${randomBytes(32).toString('base64url')}`;
export const newPassword = () => randomBytes(24).toString('hex');
