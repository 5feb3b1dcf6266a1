/** The attempt.stats column, from what the replication reports. */
import type { ReplicationProgress, ReplicationTotals, StreamStats as ReplicationStreamStats } from '@tributary/replication';
import type { AttemptOutcome } from '@tributary/workflows';
import type { AttemptStats, StreamStats } from '../entities/index.js';

const streamStats = (s: ReplicationStreamStats): StreamStats => ({
  name: s.name,
  namespace: s.namespace ?? null,
  recordsEmitted: s.recordsEmitted,
  bytesEmitted: s.bytesEmitted,
  recordsCommitted: s.recordsCommitted,
  bytesCommitted: s.bytesCommitted,
});

const counters = (t: Pick<ReplicationTotals, 'recordsEmitted' | 'bytesEmitted' | 'recordsCommitted' | 'bytesCommitted'>) => ({
  recordsEmitted: t.recordsEmitted,
  bytesEmitted: t.bytesEmitted,
  recordsCommitted: t.recordsCommitted,
  bytesCommitted: t.bytesCommitted,
});

export const statsFromTotals = (totals: ReplicationTotals): AttemptStats => counters(totals);

export const statsFromProgress = (progress: ReplicationProgress): AttemptStats => ({
  ...counters(progress),
  streams: progress.streams.map(streamStats),
});

export const statsFromOutcome = (outcome: AttemptOutcome): AttemptStats => ({
  ...counters(outcome),
  streams: outcome.streamStats.map(streamStats),
});

/** The counters merged by MONOTONIC_STATS_SQL. */
export const STATS_COUNTERS = ['recordsEmitted', 'bytesEmitted', 'recordsCommitted', 'bytesCommitted'] as const;

/**
 * SQL for `stats` merged with the jsonb parameter `param`: its fields win, except that no
 * counter goes backwards. Progress is saved without waiting and may land after a later
 * state commit; it must not undo the committed counts that commit recorded.
 */
export function monotonicStatsSql(param: string): string {
  const greatest = STATS_COUNTERS.map(
    (c) => `'${c}', GREATEST(COALESCE((${param}::jsonb->>'${c}')::bigint, 0), COALESCE((stats->>'${c}')::bigint, 0))`,
  );
  return `COALESCE(stats, '{}'::jsonb) || ${param}::jsonb || jsonb_build_object(${greatest.join(', ')})`;
}
