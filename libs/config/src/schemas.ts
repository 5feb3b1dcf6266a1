/** One environment schema per app, composed from the shared parts. */
import { z } from 'zod';
import { connectorsDirEnv, dataDirEnv, databaseEnv, httpEnv, jobRetryEnv, logEnv, secretKeyEnv, storageEnv, temporalEnv } from './env-parts.js';

export const serverEnvSchema = z.object({
  ...databaseEnv.shape,
  ...temporalEnv.shape,
  ...secretKeyEnv.shape,
  ...dataDirEnv.shape,
  ...storageEnv.shape,
  ...httpEnv.shape,
  ...logEnv.shape,
  /** how long spec/check/discover may take, connector installation included; default 10 min */
  TRIBUTARY_CONNECTOR_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(1000).optional(),
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
  ...logEnv.shape,
});
export type WorkerConfig = z.infer<typeof workerEnvSchema>;

export const bootloaderEnvSchema = z.object({
  ...databaseEnv.shape,
  ...logEnv.shape,
  /** how long to wait for the database to accept connections */
  TRIBUTARY_DB_WAIT_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** use this value as the first admin API token instead of a random one (embedded stack, tests) */
  TRIBUTARY_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
});
export type BootloaderConfig = z.infer<typeof bootloaderEnvSchema>;
