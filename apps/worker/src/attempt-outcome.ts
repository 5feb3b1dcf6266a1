/** replicate()'s result, reduced to what a job records about an attempt. */
import type { ReplicationResult } from '@tributary/replication';
import type { AttemptOutcome } from '@tributary/workflows';

export function attemptOutcome(result: ReplicationResult): AttemptOutcome {
  return {
    status: result.status,
    failures: result.failures,
    streamStats: result.streamStats,
    recordsEmitted: result.totals.recordsEmitted,
    bytesEmitted: result.totals.bytesEmitted,
    recordsCommitted: result.totals.recordsCommitted,
    bytesCommitted: result.totals.bytesCommitted,
  };
}
