/** What a job does after a failed attempt (pure: the sync workflow and its tests use it). */
import { retryVerdict } from '@tributary/domain';
import { DEFAULT_JOB_RETRY_POLICY, type AttemptSummary, type JobRetryPolicy } from './sync-job-contract.js';

/** `reason`: why, in words for people (recorded with the attempt, see describeNextStep). */
export type NextStep = { action: 'retry'; delayMs: number; reason: string } | { action: 'give_up'; reason: string };

/** What the attempt's record and log say about the next step: "retried in 10 s: ..." or "not retried: ...". */
export function describeNextStep(next: NextStep): string {
  if (next.action === 'give_up') return `not retried: ${next.reason}`;
  return `retried ${next.delayMs > 0 ? `in ${Math.round(next.delayMs / 1000)} s` : 'at once'}: ${next.reason}`;
}

export function resolveRetryPolicy(overrides: Partial<JobRetryPolicy> = {}): JobRetryPolicy {
  return { ...DEFAULT_JOB_RETRY_POLICY, ...overrides };
}

/** An attempt that committed records moved the connection forward: a partial success. */
export const isPartialFailure = (attempt: AttemptSummary): boolean => attempt.recordsCommitted > 0;

/** initial × factor^(n−1), capped; n = successive complete failures so far (≥ 1). */
export function completeFailureBackoffMs(policy: JobRetryPolicy, successiveCompleteFailures: number): number {
  const n = Math.max(1, successiveCompleteFailures);
  return Math.min(policy.backoffMaxMs, policy.backoffInitialMs * policy.backoffFactor ** (n - 1));
}

function trailing(attempts: AttemptSummary[], partial: boolean): number {
  let n = 0;
  for (let i = attempts.length - 1; i >= 0 && isPartialFailure(attempts[i]!) === partial; i--) n++;
  return n;
}

/** `attempts`: every failed attempt of the job so far, the last one just now. */
export function nextStepAfterFailure(policy: JobRetryPolicy, attempts: AttemptSummary[]): NextStep {
  const last = attempts.at(-1);
  if (!last) throw new Error('nextStepAfterFailure needs at least one attempt');
  const verdict = retryVerdict(last.failures);
  if (!verdict.retryable) return { action: 'give_up', reason: verdict.reason };
  if (isPartialFailure(last)) {
    const successive = trailing(attempts, true);
    const total = attempts.filter(isPartialFailure).length;
    if (successive >= policy.maxSuccessivePartialFailures)
      return { action: 'give_up', reason: `${successive} successive partial failures (${verdict.reason})` };
    if (total >= policy.maxTotalPartialFailures) return { action: 'give_up', reason: `${total} partial failures (${verdict.reason})` };
    // progress was made: try again at once from the new state
    return { action: 'retry', delayMs: 0, reason: `records were committed, the next attempt resumes from them (${verdict.reason})` };
  }
  const successive = trailing(attempts, false);
  const total = attempts.filter((a) => !isPartialFailure(a)).length;
  if (successive >= policy.maxSuccessiveCompleteFailures)
    return { action: 'give_up', reason: `${successive} successive complete failures (${verdict.reason})` };
  if (total >= policy.maxTotalCompleteFailures) return { action: 'give_up', reason: `${total} complete failures (${verdict.reason})` };
  return { action: 'retry', delayMs: completeFailureBackoffMs(policy, successive), reason: verdict.reason };
}
