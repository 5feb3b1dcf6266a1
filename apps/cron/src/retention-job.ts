/**
 * One scheduled retention run: under a Postgres advisory lock (so replicas never run it at
 * once), one log line with the counts, and a failure logged rather than thrown (the next run
 * tries again; other jobs are not affected).
 */
import type { Logger } from '@tributary/config';
import type { DataSource } from 'typeorm';
import { runRetention, type RetentionCounts, type RetentionDeps, type RetentionSettings } from './retention.js';

/** pg_advisory_lock key of the retention job (any constant unique among Tributary's locks) */
export const RETENTION_LOCK_KEY = 7_301_401;

export type RetentionRunResult = { ran: true; counts: RetentionCounts; ms: number } | { ran: false; reason: 'locked' | 'failed' };

export async function retentionRun(deps: RetentionDeps & { logger: Logger }, settings: RetentionSettings): Promise<RetentionRunResult> {
  const started = Date.now();
  try {
    const outcome = await withAdvisoryLock(deps.dataSource, RETENTION_LOCK_KEY, () => runRetention(deps, settings));
    if (outcome === undefined) {
      deps.logger.info({ job: 'retention' }, 'retention skipped: another replica is running it');
      return { ran: false, reason: 'locked' };
    }
    const ms = Date.now() - started;
    deps.logger.info({ job: 'retention', ...outcome, ms }, 'retention done');
    return { ran: true, counts: outcome, ms };
  } catch (error) {
    deps.logger.error({ job: 'retention', err: error }, 'retention failed');
    return { ran: false, reason: 'failed' };
  }
}

/** Runs `work` holding a session advisory lock; undefined when someone else holds it. */
async function withAdvisoryLock<T>(dataSource: DataSource, key: number, work: () => Promise<T>): Promise<T | undefined> {
  // a session lock lives on one connection: hold that connection for the whole run
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [key])) as [{ locked: boolean }];
    if (!locked) return undefined;
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    await runner.release();
  }
}
