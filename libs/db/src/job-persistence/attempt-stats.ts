/** The attempt.stats column, from what the replication reports. */
import { SYNC_COUNTERS, storedStreamStats, syncCounters, type AttemptStats } from '@tributary/domain';
import type { ReplicationProgress, ReplicationTotals } from '@tributary/replication';
import type { AttemptOutcome } from '@tributary/workflows';

export const statsFromTotals = (totals: ReplicationTotals): AttemptStats => syncCounters(totals);

export const statsFromProgress = (progress: ReplicationProgress): AttemptStats => ({
  ...syncCounters(progress),
  streams: progress.streams.map(storedStreamStats),
});

export const statsFromOutcome = (outcome: AttemptOutcome): AttemptStats => ({
  ...syncCounters(outcome),
  streams: outcome.streamStats.map(storedStreamStats),
});

/**
 * SQL for `stats` merged with the jsonb parameter `param`: its fields win, except that no
 * counter goes backwards. Progress is saved without waiting and may land after a later
 * state commit; it must not undo the committed counts that commit recorded.
 */
export function monotonicStatsSql(param: string): string {
  const greatest = SYNC_COUNTERS.map(
    (c) => `'${c}', GREATEST(COALESCE((${param}::jsonb->>'${c}')::bigint, 0), COALESCE((stats->>'${c}')::bigint, 0))`,
  );
  return `COALESCE(stats, '{}'::jsonb) || ${param}::jsonb || jsonb_build_object(${greatest.join(', ')})`;
}
