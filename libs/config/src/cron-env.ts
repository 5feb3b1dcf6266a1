/** Environment of apps/cron: the database, the log storage, and what each maintenance job keeps. */
import { z } from 'zod';
import { dataDirEnv, databaseEnv, logEnv, storageEnv, opsEnv, temporalEnv } from './env-parts.js';

const days = z.coerce.number().positive('must be a positive number of days');

export const cronEnvSchema = z.object({
  ...databaseEnv.shape,
  ...dataDirEnv.shape,
  ...storageEnv.shape,
  ...logEnv.shape,
  ...opsEnv(9466).shape,
  // self-heal starts connection workflows and looks up job workflows
  ...temporalEnv.shape,
  /** when self-heal runs (cron syntax, in UTC); default every minute */
  TRIBUTARY_SELF_HEAL_SCHEDULE: z.string().min(1).default('* * * * *'),
  /** an operator's connector registry (a JSON file path or an http(s) URL) re-read on TRIBUTARY_REGISTRY_SCHEDULE; unset: none */
  TRIBUTARY_CONNECTOR_REGISTRY: z.string().min(1).optional(),
  TRIBUTARY_REGISTRY_SCHEDULE: z.string().min(1).default('23 * * * *'),
  /** when retention runs (cron syntax, in UTC); default every hour at :17 */
  TRIBUTARY_RETENTION_SCHEDULE: z.string().min(1).default('17 * * * *'),
  /** attempt logs older than this are deleted (the last job of each connection keeps its logs) */
  TRIBUTARY_RETENTION_LOGS_DAYS: days.default(30),
  /** finished jobs older than this are deleted with their attempts and logs (the last job of each connection stays) */
  TRIBUTARY_RETENTION_JOBS_DAYS: days.default(180),
  /** rows (and their blobs) deleted per batch; a run does at most TRIBUTARY_RETENTION_MAX_BATCHES of each kind */
  TRIBUTARY_RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  TRIBUTARY_RETENTION_MAX_BATCHES: z.coerce.number().int().min(1).default(20),
});
export type CronConfig = z.infer<typeof cronEnvSchema>;
