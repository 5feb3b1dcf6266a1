/**
 * Retention: what Tributary keeps grows without bound unless something deletes it. One run
 * deletes, in bounded batches, in this order:
 *   1. finished jobs older than the jobs age, with their attempts and logs;
 *   2. attempt logs older than the logs age (the attempt rows stay, marked as deleted, so
 *      the API says when the log went rather than that it never existed);
 *   3. discovered catalogs no connection uses, except each source's newest.
 * The last job of each connection and its logs are always kept, whatever their age.
 */
import type { DataSource } from 'typeorm';
import { decodeAttemptLogLocation, encodeAttemptLogLocation, type StorageIdentity } from '@tributary/db';
import { attemptLogKey, type Storage } from '@tributary/storage';

export interface RetentionSettings {
  logsMaxAgeMs: number;
  jobsMaxAgeMs: number;
  batchSize: number;
  /** batches of each kind per run: a backlog is worked off over several runs */
  maxBatches: number;
}

export interface RetentionDeps {
  dataSource: DataSource;
  storage: Storage;
  /** the storage's identity, recorded on attempts whose log retention deleted */
  storageIdentity: StorageIdentity;
  now?: () => Date;
  /** true once cron is stopping: the run ends after the batch in progress (the rest waits for the next run) */
  stopping?: () => boolean;
}

export interface RetentionCounts {
  jobsDeleted: number;
  logsDeleted: number;
  catalogsDeleted: number;
}

const FINISHED = ['succeeded', 'failed', 'cancelled'];

/** the newest job of the row's connection: never deleted, nor its logs */
const NOT_LAST_JOB = `j.id <> (SELECT max(newest.id) FROM job newest WHERE newest.connection_id = j.connection_id)`;

export async function runRetention(deps: RetentionDeps, settings: RetentionSettings): Promise<RetentionCounts> {
  const now = deps.now?.() ?? new Date();
  const jobsCutoff = new Date(now.getTime() - settings.jobsMaxAgeMs);
  const logsCutoff = new Date(now.getTime() - settings.logsMaxAgeMs);
  const stopping = deps.stopping ?? (() => false);
  return {
    jobsDeleted: await inBatches(settings, stopping, () => deleteOldJobs(deps, jobsCutoff, settings.batchSize)),
    logsDeleted: await inBatches(settings, stopping, () => deleteOldLogs(deps, logsCutoff, now, settings.batchSize)),
    catalogsDeleted: await inBatches(settings, stopping, () => deleteUnusedCatalogs(deps, settings.batchSize)),
  };
}

/** Runs `batch` until it deletes less than a full batch, maxBatches times, or cron stops; the total deleted. */
async function inBatches(settings: RetentionSettings, stopping: () => boolean, batch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let n = 0; n < settings.maxBatches && !stopping(); n++) {
    const deleted = await batch();
    total += deleted;
    if (deleted < settings.batchSize) break;
  }
  return total;
}

async function deleteOldJobs({ dataSource, storage }: RetentionDeps, cutoff: Date, limit: number): Promise<number> {
  const jobs = (await dataSource.query(
    `SELECT j.id, j.connection_id AS "connectionId" FROM job j
      WHERE j.updated_at < $1 AND j.status = ANY($2) AND ${NOT_LAST_JOB}
      ORDER BY j.id LIMIT $3`,
    [cutoff, FINISHED, limit],
  )) as { id: string; connectionId: string }[];
  // logs first: a job row whose logs are gone can be deleted next run, logs whose row is gone are lost track of
  for (const job of jobs) await storage.remove(`logs/${job.connectionId}/${job.id}`);
  if (jobs.length > 0) await dataSource.query('DELETE FROM job WHERE id = ANY($1)', [jobs.map((j) => j.id)]);
  return jobs.length;
}

async function deleteOldLogs({ dataSource, storage, storageIdentity }: RetentionDeps, cutoff: Date, now: Date, limit: number): Promise<number> {
  const attempts = (await dataSource.query(
    `SELECT a.id, a.job_id AS "jobId", a.attempt_number AS "attemptNumber", j.connection_id AS "connectionId", a.log_path AS "logPath"
       FROM attempt a JOIN job j ON j.id = a.job_id
      WHERE a.ended_at < $1 AND ${NOT_LAST_JOB}
        AND CASE WHEN a.log_path LIKE '{%' THEN NOT (a.log_path::jsonb ? 'removedAt') ELSE true END
      ORDER BY a.id LIMIT $2`,
    [cutoff, limit],
  )) as { id: string; jobId: string; attemptNumber: number; connectionId: string; logPath: string | null }[];
  for (const attempt of attempts) {
    const key = attemptLogKey(attempt);
    await storage.remove(key);
    const written = decodeAttemptLogLocation(attempt.logPath);
    const removed = encodeAttemptLogLocation({ storage: written?.storage ?? storageIdentity, key, removedAt: now.toISOString() });
    await dataSource.query('UPDATE attempt SET log_path = $1 WHERE id = $2', [removed, attempt.id]);
  }
  return attempts.length;
}

async function deleteUnusedCatalogs({ dataSource }: RetentionDeps, limit: number): Promise<number> {
  const deleted = (await dataSource.query(
    `DELETE FROM actor_catalog WHERE id IN (
       SELECT c.id FROM actor_catalog c
        WHERE NOT EXISTS (SELECT 1 FROM connection n WHERE n.source_catalog_id = c.id)
          AND c.id <> (SELECT newest.id FROM actor_catalog newest WHERE newest.actor_id = c.actor_id ORDER BY newest.created_at DESC, newest.id DESC LIMIT 1)
        LIMIT $1)
     RETURNING id`,
    [limit],
  )) as [unknown[], number] | unknown[];
  // TypeORM answers a DELETE ... RETURNING with [rows, count] on Postgres
  return Array.isArray(deleted[0]) ? (deleted as [unknown[], number])[1] : deleted.length;
}
