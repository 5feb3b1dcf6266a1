/** replicate()'s result, reduced to what a job records about an attempt. */
import { syncCounters, type FailureReason } from '@tributary/domain';
import type { ReplicationProgress, ReplicationResult } from '@tributary/replication';
import type { AttemptOutcome } from './sync-job-contract.js';

export function attemptOutcome(result: ReplicationResult): AttemptOutcome {
  return { status: result.status, failures: result.failures, streamStats: result.streamStats, ...syncCounters(result.totals) };
}

/** What an attempt's last live progress says, for an attempt that ended without reporting its result (its worker or pod gone). */
export function attemptOutcomeOfProgress(
  status: AttemptOutcome['status'],
  failures: FailureReason[],
  progress: ReplicationProgress | undefined,
): AttemptOutcome {
  return {
    status,
    failures,
    streamStats: progress?.streams.map(({ status: _s, estimatedRecords: _r, estimatedBytes: _b, ...stats }) => stats) ?? [],
    recordsEmitted: progress?.recordsEmitted ?? 0,
    bytesEmitted: progress?.bytesEmitted ?? 0,
    recordsCommitted: progress?.recordsCommitted ?? 0,
    bytesCommitted: progress?.bytesCommitted ?? 0,
  };
}
