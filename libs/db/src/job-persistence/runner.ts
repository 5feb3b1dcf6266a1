/**
 * A replication pod's side of an attempt: the per-attempt credential it calls the Config API
 * with, the outcome it reports, and the live progress the worker heartbeats from while it runs.
 * The credential (`trr_` + 32 random bytes) is stored as its SHA-256 on the attempt row; it
 * opens only that attempt's runner routes, and only while the attempt runs.
 */
import { randomBytes } from 'node:crypto';
import { notFound } from '@tributary/domain';
import type { DataSource } from 'typeorm';
import type { ReplicationProgress } from '@tributary/replication';
import type { AttemptOutcome, AttemptRef } from '@tributary/workflows';
import { hashApiToken } from '../api-tokens.js';
import { isJobId, isUuid } from './ids.js';

export const RUNNER_TOKEN_PREFIX = 'trr_';
export const RUNNER_TOKEN_PATTERN = /^trr_[A-Za-z0-9_-]{43}$/;

const attemptLabel = (ref: Pick<AttemptRef, 'jobId' | 'attemptNumber'>) => `${ref.jobId}#${ref.attemptNumber}`;

/** A new credential for a running attempt (replacing any earlier one: only the newest works). */
export async function issueRunnerToken(dataSource: DataSource, ref: AttemptRef): Promise<string> {
  if (!isJobId(ref.jobId) || !isUuid(ref.connectionId)) throw notFound('running attempt', attemptLabel(ref));
  const token = `${RUNNER_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const [, affected] = (await dataSource.query(
    `UPDATE attempt SET runner_token_hash = $4
      WHERE job_id = $1 AND attempt_number = $2 AND status = 'running' AND ended_at IS NULL
        AND job_id = (SELECT id FROM job WHERE id = $1 AND connection_id = $3)`,
    [ref.jobId, ref.attemptNumber, ref.connectionId, hashApiToken(token)],
  )) as [unknown, number];
  if (affected !== 1) throw notFound('running attempt', attemptLabel(ref));
  return token;
}

/** The attempt a runner credential opens, while that attempt runs; undefined for any other token. */
export async function verifyRunnerToken(dataSource: DataSource, token: string): Promise<AttemptRef | undefined> {
  if (!RUNNER_TOKEN_PATTERN.test(token)) return undefined;
  const rows = (await dataSource.query(
    `SELECT a.job_id AS "jobId", a.attempt_number AS "attemptNumber", j.connection_id AS "connectionId"
       FROM attempt a JOIN job j ON j.id = a.job_id
      WHERE a.runner_token_hash = $1 AND a.status = 'running' AND a.ended_at IS NULL`,
    [hashApiToken(token)],
  )) as { jobId: string; attemptNumber: number; connectionId: string }[];
  const row = rows[0];
  return row ? { jobId: String(row.jobId), attemptNumber: Number(row.attemptNumber), connectionId: row.connectionId } : undefined;
}

/** What the pod reports at its end, kept for the worker; refused once the attempt has finished. */
export async function saveRunnerOutcome(dataSource: DataSource, ref: AttemptRef, outcome: AttemptOutcome): Promise<void> {
  if (!isJobId(ref.jobId)) throw notFound('running attempt', attemptLabel(ref));
  const [, affected] = (await dataSource.query(
    `UPDATE attempt SET runner_outcome = $3::jsonb, updated_at = now() WHERE job_id = $1 AND attempt_number = $2 AND status = 'running'`,
    [ref.jobId, ref.attemptNumber, JSON.stringify(outcome)],
  )) as [unknown, number];
  if (affected !== 1) throw notFound('running attempt', attemptLabel(ref));
}

export async function loadRunnerOutcome(dataSource: DataSource, ref: AttemptRef): Promise<AttemptOutcome | undefined> {
  const row = await attemptColumn(dataSource, ref, 'runner_outcome');
  return (row ?? undefined) as AttemptOutcome | undefined;
}

export async function loadProgress(dataSource: DataSource, ref: AttemptRef): Promise<ReplicationProgress | undefined> {
  const row = await attemptColumn(dataSource, ref, 'progress');
  return (row ?? undefined) as ReplicationProgress | undefined;
}

async function attemptColumn(dataSource: DataSource, ref: AttemptRef, column: 'runner_outcome' | 'progress'): Promise<unknown> {
  if (!isJobId(ref.jobId) || !isUuid(ref.connectionId)) throw notFound('attempt', attemptLabel(ref));
  const rows = (await dataSource.query(
    `SELECT a.${column} AS value FROM attempt a JOIN job j ON j.id = a.job_id
      WHERE a.job_id = $1 AND a.attempt_number = $2 AND j.connection_id = $3`,
    [ref.jobId, ref.attemptNumber, ref.connectionId],
  )) as { value: unknown }[];
  if (rows.length === 0) throw notFound('attempt', attemptLabel(ref));
  return rows[0]!.value;
}
