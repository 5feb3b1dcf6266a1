/**
 * One run of a scheduled job: under a Postgres advisory lock (so replicas never run it at once),
 * one log line with its counts, and a failure logged rather than thrown (the next run tries
 * again; other jobs are not affected).
 */
import type { Logger } from '@tributary/config';
import type { DataSource } from 'typeorm';

export type ScheduledRunResult<T> = { ran: true; counts: T; ms: number } | { ran: false; reason: 'locked' | 'failed' };

export async function scheduledRun<T extends object>(
  job: string,
  lockKey: number,
  deps: { dataSource: DataSource; logger: Logger },
  work: () => Promise<T>,
): Promise<ScheduledRunResult<T>> {
  const started = Date.now();
  try {
    const outcome = await withAdvisoryLock(deps.dataSource, lockKey, work);
    if (outcome === undefined) {
      deps.logger.info({ job }, `${job} skipped: another replica is running it`);
      return { ran: false, reason: 'locked' };
    }
    const ms = Date.now() - started;
    const fields: Record<string, unknown> = { job, ...outcome, ms };
    deps.logger.info(fields, `${job} done`);
    return { ran: true, counts: outcome, ms };
  } catch (error) {
    deps.logger.error({ job, err: error }, `${job} failed`);
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
