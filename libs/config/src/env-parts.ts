/**
 * Environment variables shared by several apps, declared once with their defaults.
 * Each app composes its schema from these parts (see schemas.ts).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './load-config.js';
import { parseSecretKey } from './secret-key.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const postgresUrl = z
  .string()
  .min(1)
  .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), 'must be a postgres:// or postgresql:// URL');

export const databaseEnv = z.object({
  DATABASE_URL: postgresUrl,
  /** connections each process keeps open to Postgres */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
});

export const temporalEnv = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('tributary'),
});

export const dataDirEnv = z.object({
  /** connector virtualenvs, logs, local blobs */
  TRIBUTARY_DATA_DIR: z.string().min(1).default('.tributary/data'),
});

export const connectorsDirEnv = z.object({
  /** where PyPI/npm connectors are installed (one virtualenv per package@version); default `<TRIBUTARY_DATA_DIR>/connectors` */
  TRIBUTARY_CONNECTORS_DIR: z.string().min(1).optional(),
});

export const STORAGE_KINDS = ['local', 's3'] as const;

export const storageEnv = z.object({
  /** where attempt logs and other blobs go: `local` (a directory every service shares) or `s3` (MinIO, AWS S3) */
  TRIBUTARY_STORAGE: z.enum(STORAGE_KINDS).default('local'),
  /** local storage's directory; default `<TRIBUTARY_DATA_DIR>/storage`, see storageDirOf */
  TRIBUTARY_STORAGE_DIR: z.string().min(1).optional(),
  /** s3: the bucket (created if missing) */
  TRIBUTARY_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lowercase letters, digits, . and -)')
    .optional(),
  /** s3: the service URL, e.g. http://minio:9000; unset: AWS S3 in TRIBUTARY_S3_REGION */
  TRIBUTARY_S3_ENDPOINT: z
    .string()
    .refine(
      (v) => URL.canParse(v) && ['http:', 'https:'].includes(new URL(v).protocol) && new URL(v).pathname === '/',
      'must be an http:// or https:// URL with no path',
    )
    .optional(),
  TRIBUTARY_S3_REGION: z.string().min(1).default('us-east-1'),
  TRIBUTARY_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  TRIBUTARY_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** s3: `endpoint/bucket/key` URLs (MinIO and most S3-compatible services need them); false: `bucket.endpoint/key` */
  TRIBUTARY_S3_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

type StorageConfig = z.infer<typeof storageEnv> & { TRIBUTARY_DATA_DIR: string };

/** Where the local-directory storage lives: TRIBUTARY_STORAGE_DIR, else `storage` under the data dir. */
export function storageDirOf(config: { TRIBUTARY_DATA_DIR: string; TRIBUTARY_STORAGE_DIR?: string | undefined }): string {
  return config.TRIBUTARY_STORAGE_DIR ?? join(config.TRIBUTARY_DATA_DIR, 'storage');
}

/** The storage the configuration names, in libs/storage's terms (StorageSettings, kept structural so config need not import storage). */
export type StorageChoice =
  | { kind: 'local'; dir: string }
  | { kind: 's3'; bucket: string; endpoint?: string; region: string; accessKeyId: string; secretAccessKey: string; pathStyle: boolean };

/**
 * The storage settings of a parsed configuration. S3 needs a bucket and both credentials;
 * a missing one fails like any bad variable, with a ConfigError naming it.
 */
export function storageChoiceOf(config: StorageConfig): StorageChoice {
  if (config.TRIBUTARY_STORAGE === 'local') return { kind: 'local', dir: storageDirOf(config) };
  const required = ['TRIBUTARY_S3_BUCKET', 'TRIBUTARY_S3_ACCESS_KEY_ID', 'TRIBUTARY_S3_SECRET_ACCESS_KEY'] as const;
  const missing = required.filter((name) => config[name] === undefined);
  if (missing.length > 0)
    throw new ConfigError(missing.map((variable) => ({ variable, message: 'is required when TRIBUTARY_STORAGE=s3' })));
  return {
    kind: 's3',
    bucket: config.TRIBUTARY_S3_BUCKET!,
    ...(config.TRIBUTARY_S3_ENDPOINT ? { endpoint: config.TRIBUTARY_S3_ENDPOINT } : {}),
    region: config.TRIBUTARY_S3_REGION,
    accessKeyId: config.TRIBUTARY_S3_ACCESS_KEY_ID!,
    secretAccessKey: config.TRIBUTARY_S3_SECRET_ACCESS_KEY!,
    pathStyle: config.TRIBUTARY_S3_PATH_STYLE,
  };
}

const positiveInt = z.coerce.number().int().positive();

/**
 * How sync jobs retry (worker). Unset variables keep the workflow defaults, which are
 * Airbyte's: 5 successive / 10 total complete failures, backoff 10 s x 3^(n-1) capped at
 * 30 min, a worker presumed dead after 30 s without a heartbeat.
 */
export const jobRetryEnv = z.object({
  TRIBUTARY_JOB_MAX_SUCCESSIVE_COMPLETE_FAILURES: positiveInt.optional(),
  TRIBUTARY_JOB_MAX_TOTAL_COMPLETE_FAILURES: positiveInt.optional(),
  TRIBUTARY_JOB_BACKOFF_INITIAL_MS: positiveInt.optional(),
  TRIBUTARY_JOB_BACKOFF_MAX_MS: positiveInt.optional(),
  TRIBUTARY_JOB_HEARTBEAT_TIMEOUT_MS: positiveInt.min(1000).optional(),
});

export const secretKeyEnv = z.object({
  /** 32 bytes, base64 or hex: the AES-256-GCM key for connector secrets at rest */
  TRIBUTARY_SECRET_KEY: z.string().transform((value, ctx) => {
    const key = parseSecretKey(value);
    if (key) return key;
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes encoded as base64 (44 chars) or hex (64 chars)' });
    return z.NEVER;
  }),
});

/**
 * Who connector processes run as (worker). Unset: as `nobody` when the worker runs as root
 * (they must not read its files, its /proc entries or the secret key), else as the worker's
 * own user. A user name, or `uid[:gid]`; naming root itself keeps connectors running as root.
 */
export const connectorUserEnv = z.object({
  TRIBUTARY_CONNECTOR_USER: z
    .string()
    .regex(/^(?:[A-Za-z_][A-Za-z0-9_.-]*|\d+(?::\d+)?)$/, 'must be a user name or uid[:gid]')
    .optional(),
});

/**
 * PyPI connectors run through a warm Python fork server (worker): it imports the connector once
 * and forks each command from it. It stays this long after its last command; 0 turns it off.
 */
export const forkServerEnv = z.object({
  TRIBUTARY_FORK_SERVER_IDLE_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
});

/**
 * The lower CPU priority a destination's `write` runs at (worker, process connectors): on a
 * busy machine its source goes on at full speed and the spill file holds what the destination
 * has not taken yet; 0: the worker's own priority.
 */
export const destinationNiceEnv = z.object({
  TRIBUTARY_DESTINATION_NICE: z.coerce.number().int().min(0).max(19).default(10),
});

/**
 * What a sync's spill file holds at most (worker): the source's output the destination cannot
 * take yet waits there instead of pausing the source; 0 turns it off.
 */
export const spillEnv = z.object({
  TRIBUTARY_SPILL_MAX_MIB: z.coerce.number().int().min(0).max(1_048_576).default(128),
});

/** Worker variables a connector must never see: passed on stdin (TRIBUTARY_ENV_STDIN=1) by the embedded stack. */
export const WORKER_SECRET_VARIABLES = ['DATABASE_URL', 'TRIBUTARY_SECRET_KEY', 'TRIBUTARY_S3_SECRET_ACCESS_KEY'] as const;

export const logEnv = z.object({
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

/**
 * OpenTelemetry traces (API request -> workflow -> activity), off by default. `otlp` sends
 * them over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (the OpenTelemetry default when unset).
 */
export const tracingEnv = z.object({
  TRIBUTARY_TRACING: z.enum(['off', 'otlp']).default('off'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).default('http://localhost:4318'),
});

/**
 * The ops server every service runs beside its work (GET /metrics, /livez, /readyz). Each service
 * has its own default port so the embedded stack runs them all on one machine; 0 picks a free one.
 */
export function opsEnv(defaultPort: number, defaultHost = '127.0.0.1') {
  return z.object({
    TRIBUTARY_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    /** all interfaces (0.0.0.0) in a cluster, so Prometheus and the kubelet reach it */
    TRIBUTARY_METRICS_HOST: z.string().min(1).default(defaultHost),
  });
}

export const httpEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** the URL users reach the API at, for printed links and the OpenAPI servers list */
  TRIBUTARY_PUBLIC_URL: z.url().optional(),
});

/**
 * Connector definitions with a `command` runtime run any executable as the worker's user: the
 * API refuses to add them and the worker refuses to run them unless the operator opts in.
 * PyPI, npm and image runtimes are not affected.
 */
export const commandConnectorsEnv = z.object({
  TRIBUTARY_ALLOW_COMMAND_CONNECTORS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
