/** One scheduled retention run (see scheduled-run.ts for the lock, the log line and failures). */
import type { Logger } from '@tributary/config';
import { runRetention, type RetentionCounts, type RetentionDeps, type RetentionSettings } from './retention.js';
import { scheduledRun, type ScheduledRunResult } from './scheduled-run.js';

/** pg_advisory_lock key of the retention job (any constant unique among Tributary's locks) */
export const RETENTION_LOCK_KEY = 7_301_401;

export type RetentionRunResult = ScheduledRunResult<RetentionCounts>;

export function retentionRun(deps: RetentionDeps & { logger: Logger }, settings: RetentionSettings): Promise<RetentionRunResult> {
  return scheduledRun('retention', RETENTION_LOCK_KEY, deps, () => runRetention(deps, settings));
}
