/** One environment schema per app, composed from the shared parts. */
import { z } from 'zod';
import { launcherEnv } from './kubernetes-env.js';
import {
  commandConnectorsEnv,
  connectorUserEnv,
  connectorsDirEnv,
  dataDirEnv,
  forkServerEnv,
  destinationNiceEnv,
  spillEnv,
  databaseEnv,
  httpEnv,
  jobRetryEnv,
  logEnv,
  opsEnv,
  secretKeyEnv,
  storageEnv,
  temporalEnv,
  tracingEnv,
} from './env-parts.js';

export const serverEnvSchema = z.object({
  ...databaseEnv.shape,
  ...temporalEnv.shape,
  ...secretKeyEnv.shape,
  ...dataDirEnv.shape,
  ...storageEnv.shape,
  ...httpEnv.shape,
  ...opsEnv(9464).shape,
  ...logEnv.shape,
  ...tracingEnv.shape,
  /** how long spec/check/discover may take, connector installation included; default 10 min */
  TRIBUTARY_CONNECTOR_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(1000).optional(),
  /** how long a web UI sign-in lasts; default 12 h */
  TRIBUTARY_SESSION_TTL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(12 * 60 * 60 * 1000),
  /**
   * how often the server starts the next pending PyPI/npm connector install (seeded connectors,
   * or ones that found no worker); 0: installs start only when a connector is added or needed
   */
  TRIBUTARY_PENDING_INSTALLS_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /** how often the server sends due notifications (webhooks, Slack); 0: never */
  TRIBUTARY_NOTIFICATIONS_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(1000),
  /** a failed notification is tried again after this, then 4 times longer each time (at most an hour), 8 tries in all */
  TRIBUTARY_NOTIFICATION_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  ...commandConnectorsEnv.shape,
});
export type ServerConfig = z.infer<typeof serverEnvSchema>;

export const workerEnvSchema = z.object({
  ...databaseEnv.shape,
  ...temporalEnv.shape,
  ...secretKeyEnv.shape,
  ...dataDirEnv.shape,
  ...storageEnv.shape,
  ...connectorsDirEnv.shape,
  ...jobRetryEnv.shape,
  ...commandConnectorsEnv.shape,
  ...connectorUserEnv.shape,
  ...forkServerEnv.shape,
  ...destinationNiceEnv.shape,
  ...spillEnv.shape,
  ...launcherEnv.shape,
  ...opsEnv(9465).shape,
  ...logEnv.shape,
  ...tracingEnv.shape,
});
export type WorkerConfig = z.infer<typeof workerEnvSchema>;

export const bootloaderEnvSchema = z.object({
  ...databaseEnv.shape,
  ...logEnv.shape,
  /** how long to wait for the database to accept connections */
  TRIBUTARY_DB_WAIT_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** use this value as the first admin API token instead of a random one (embedded stack, tests) */
  TRIBUTARY_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  /** the web UI's first user: created only while there is no user at all */
  TRIBUTARY_ADMIN_EMAIL: z.string().email().default('admin@tributary.local'),
  /** its password (embedded stack, tests); unset: a random one, printed once */
  TRIBUTARY_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
});
export type BootloaderConfig = z.infer<typeof bootloaderEnvSchema>;

export const webappEnvSchema = z.object({
  ...logEnv.shape,
  /** the Config API's origin as the web UI's server reaches it, e.g. http://127.0.0.1:8000 */
  TRIBUTARY_API_URL: z.string().url().default('http://127.0.0.1:8000'),
  /** the API's origin as people reach it, shown in "Show as API call"; default TRIBUTARY_API_URL */
  TRIBUTARY_PUBLIC_API_URL: z.string().url().optional(),
  /** mark the session cookie Secure (serve the UI over HTTPS) */
  TRIBUTARY_SECURE_COOKIES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
export type WebappConfig = z.infer<typeof webappEnvSchema>;
