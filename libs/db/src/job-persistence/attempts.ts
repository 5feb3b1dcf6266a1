/** Attempts of a job: numbering, live progress, committed state, outcome; and the job's end. */
import { notFound } from '@tributary/domain';
import type { DataSource, EntityManager } from 'typeorm';
import type { ReplicationProgress, ReplicationState, ReplicationTotals } from '@tributary/replication';
import type { AttemptOutcome, AttemptRef, SyncJobResult } from '@tributary/workflows';
import { AttemptEntity, JobEntity } from '../entities/index.js';
import { stateTypeOf } from '../state/state-messages.js';
import { monotonicStatsSql, statsFromOutcome, statsFromProgress, statsFromTotals } from './attempt-stats.js';
import { isJobId } from './ids.js';
import { connectionFacts, enqueueNotification } from '../notifications/outbox.js';

const attemptLabel = (ref: Pick<AttemptRef, 'jobId' | 'attemptNumber'>) => `${ref.jobId}#${ref.attemptNumber}`;

export async function createAttempt(dataSource: DataSource, jobId: string): Promise<{ attemptNumber: number }> {
  if (!isJobId(jobId)) throw notFound('job', jobId);
  return dataSource.transaction(async (manager) => {
    // the job row lock serializes numbering
    const job = await manager
      .getRepository(JobEntity)
      .findOne({ where: { id: jobId }, lock: { mode: 'pessimistic_write' }, select: { id: true } });
    if (!job) throw notFound('job', jobId);
    const [{ next }] = (await manager.query(`SELECT COALESCE(MAX(attempt_number), 0) + 1 AS next FROM attempt WHERE job_id = $1`, [
      jobId,
    ])) as [{ next: number }];
    await manager.getRepository(AttemptEntity).insert({ jobId, attemptNumber: next, status: 'running', endedAt: null });
    return { attemptNumber: next };
  });
}

/** Live progress of a running attempt; ignored once the attempt has finished (progress is saved without waiting). */
export async function persistProgress(dataSource: DataSource, ref: AttemptRef, progress: ReplicationProgress): Promise<void> {
  if (!isJobId(ref.jobId)) throw notFound('job', ref.jobId);
  await dataSource.query(
    `UPDATE attempt SET stats = ${monotonicStatsSql('$3')}, progress = $4::jsonb, updated_at = now()
      WHERE job_id = $1 AND attempt_number = $2 AND status = 'running'`,
    [ref.jobId, ref.attemptNumber, JSON.stringify(statsFromProgress(progress)), JSON.stringify(progress)],
  );
}

/**
 * The connection's state and the attempt's committed totals, in one transaction: durable
 * once this resolves (a commit is fsynced by Postgres). Refused when the attempt no longer
 * runs: a worker presumed dead must not overwrite what a newer attempt or a clear decided.
 */
export async function persistState(
  dataSource: DataSource,
  ref: AttemptRef,
  state: ReplicationState,
  totals: ReplicationTotals,
): Promise<void> {
  const stateType = stateTypeOf(state);
  if (!isJobId(ref.jobId)) throw notFound('job', ref.jobId);
  await dataSource.transaction(async (manager) => {
    const [, affected] = (await manager.query(
      `UPDATE attempt SET stats = ${monotonicStatsSql('$3')}, updated_at = now()
        WHERE attempt_number = $2 AND status = 'running'
          AND job_id = (SELECT id FROM job WHERE id = $1 AND connection_id = $4 AND status = 'running')`,
      [ref.jobId, ref.attemptNumber, JSON.stringify(statsFromTotals(totals)), ref.connectionId],
    )) as [unknown, number];
    if (affected !== 1)
      throw new Error(`attempt ${attemptLabel(ref)} of connection ${ref.connectionId} is not running: its state is not saved`);
    if (!stateType) {
      await manager.query(`DELETE FROM connection_state WHERE connection_id = $1`, [ref.connectionId]);
      return;
    }
    await manager.query(
      `INSERT INTO connection_state (connection_id, state_type, state) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (connection_id) DO UPDATE SET state_type = EXCLUDED.state_type, state = EXCLUDED.state, updated_at = now()`,
      [ref.connectionId, stateType, JSON.stringify(state)],
    );
  });
}

/**
 * The attempt's end. Its counters never go below what a saved state recorded: the outcome of
 * an attempt whose worker died comes from its last heartbeat, which may predate that state.
 */
export async function finishAttempt(dataSource: DataSource, ref: AttemptRef, outcome: AttemptOutcome, nextStep?: string): Promise<void> {
  if (!isJobId(ref.jobId)) throw notFound('job', ref.jobId);
  const [, affected] = (await dataSource.query(
    `UPDATE attempt SET status = $3, stats = ${monotonicStatsSql('$4')}, failure_reasons = $5::jsonb, next_step = $6, ended_at = now(), updated_at = now()
      WHERE job_id = $1 AND attempt_number = $2`,
    [ref.jobId, ref.attemptNumber, outcome.status, JSON.stringify(statsFromOutcome(outcome)), JSON.stringify(outcome.failures), nextStep ?? null],
  )) as [unknown, number];
  if (affected !== 1) throw notFound('attempt', attemptLabel(ref));
}

/** The job's end, and its sync.succeeded / sync.failed notification (once, however often this is retried). */
export async function finishJob(dataSource: DataSource, jobId: string, result: SyncJobResult): Promise<void> {
  if (!isJobId(jobId)) throw notFound('job', jobId);
  await dataSource.transaction(async (manager) => {
    const jobs = manager.getRepository(JobEntity);
    const job = await jobs.findOne({
      where: { id: jobId },
      lock: { mode: 'pessimistic_write' },
      select: { id: true, status: true, connectionId: true, jobType: true, createdAt: true },
    });
    if (!job) throw notFound('job', jobId);
    if (job.status === result.status) return;
    await jobs.update({ id: jobId }, { status: result.status });
    if (result.status === 'succeeded' || result.status === 'failed') await notifyJobEnd(manager, job, result);
  });
}

async function notifyJobEnd(manager: EntityManager, job: JobEntity, result: SyncJobResult): Promise<void> {
  const connection = await connectionFacts(manager, job.connectionId);
  if (!connection) return;
  const failure = result.failures[0];
  await enqueueNotification(manager, {
    event: result.status === 'succeeded' ? 'sync.succeeded' : 'sync.failed',
    workspaceId: connection.workspaceId,
    subject: `connections/${job.connectionId}`,
    data: {
      workspaceId: connection.workspaceId,
      connectionId: job.connectionId,
      connectionName: connection.connectionName,
      jobId: job.id,
      jobType: job.jobType,
      status: result.status,
      attempts: result.attempts.length,
      recordsCommitted: result.attempts.reduce((sum, a) => sum + a.recordsCommitted, 0),
      bytesCommitted: result.attempts.reduce((sum, a) => sum + a.bytesCommitted, 0),
      durationSeconds: Math.max(0, Math.round((Date.now() - job.createdAt.getTime()) / 100) / 10),
      failure: failure ? { origin: failure.origin, type: failure.type, message: failure.message } : null,
    },
  });
}
