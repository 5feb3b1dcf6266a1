/** replicate()'s result, reduced to what a job records about an attempt. */
import { syncCounters } from '@tributary/domain';
import type { ReplicationResult } from '@tributary/replication';
import type { AttemptOutcome } from './sync-job-contract.js';

export function attemptOutcome(result: ReplicationResult): AttemptOutcome {
  return { status: result.status, failures: result.failures, streamStats: result.streamStats, ...syncCounters(result.totals) };
}
