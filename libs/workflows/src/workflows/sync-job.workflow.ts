/**
 * One sync job: attempts until success, cancellation, a configuration error or the retry
 * policy gives up. Each attempt resumes from the state committed by the previous ones
 * (the replicate activity loads it). Cancel with cancelSyncJobSignal or by cancelling
 * the workflow: the running attempt's connectors are stopped before the job finishes,
 * and the workflow completes normally with status 'cancelled'.
 */
import type { FailureReason } from '@tributary/domain';
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  TimeoutFailure,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { TributaryActivities } from '../activities.js';
import { attemptOutcomeOfProgress } from '../attempt-outcome.js';
import { describeNextStep, nextStepAfterFailure, resolveRetryPolicy } from '../retry-policy.js';
import { cancelSyncJobSignal, syncJobStatusQuery } from '../signals.js';
import {
  POD_DETACHED_FAILURE,
  REPLICATE_HEARTBEAT_TIMEOUT_MS,
  type AttemptOutcome,
  type AttemptSummary,
  type ReplicateHeartbeat,
  type SyncJobInput,
  type SyncJobResult,
  type SyncJobStatus,
} from '../sync-job-contract.js';

const bookkeeping = proxyActivities<TributaryActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const EMPTY_OUTCOME: Omit<AttemptOutcome, 'status' | 'failures'> = {
  streamStats: [],
  recordsEmitted: 0,
  bytesEmitted: 0,
  recordsCommitted: 0,
  bytesCommitted: 0,
};

function platformFailure(message: string, internalMessage?: string): FailureReason {
  return { origin: 'platform', type: 'system_error', message, internalMessage, timestamp: Date.now() };
}

/** Turns a failed replicate activity into the attempt's outcome. */
function outcomeOfFailure(err: unknown): AttemptOutcome {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (isCancellation(err)) {
    const reported = cause instanceof CancelledFailure ? (cause.details?.[0] as AttemptOutcome | undefined) : undefined;
    return { ...EMPTY_OUTCOME, ...reported, status: 'cancelled', failures: [] };
  }
  if (cause instanceof ApplicationFailure && cause.details?.[0]) return cause.details[0] as AttemptOutcome;
  if (cause instanceof TimeoutFailure) {
    // the worker died or hung: what it had committed is in its last heartbeat
    const beat = cause.lastHeartbeatDetails as ReplicateHeartbeat | undefined;
    const fromProgress = attemptOutcomeOfProgress(
      'failed',
      [platformFailure(`the worker running the attempt stopped responding (${cause.timeoutType ?? 'timeout'})`)],
      beat?.progress,
    );
    return {
      ...fromProgress,
      recordsCommitted: Math.max(fromProgress.recordsCommitted, beat?.committed?.recordsCommitted ?? 0),
      bytesCommitted: Math.max(fromProgress.bytesCommitted, beat?.committed?.bytesCommitted ?? 0),
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { ...EMPTY_OUTCOME, status: 'failed', failures: [platformFailure(`the attempt failed in the platform: ${message}`)] };
}

/** The worker watching an attempt died, hung or shut down: the attempt itself may run on. */
function lostItsWorker(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  return err.cause instanceof TimeoutFailure || (err.cause instanceof ApplicationFailure && err.cause.type === POD_DETACHED_FAILURE);
}

/** How often one attempt is picked up again from its replication pod before it counts as failed. */
const MAX_REATTACHES = 5;

export async function syncJobWorkflow(input: SyncJobInput): Promise<SyncJobResult> {
  const { connectionId, jobId } = input;
  const policy = resolveRetryPolicy(input.retryPolicy);
  const { replicate } = proxyActivities<TributaryActivities>({
    // a sync may run for days; a dead worker is detected by the heartbeat timeout
    startToCloseTimeout: '30 days',
    heartbeatTimeout: input.heartbeatTimeoutMs ?? REPLICATE_HEARTBEAT_TIMEOUT_MS,
    // attempts are ours (recorded, resumable from state), not Temporal retries
    retry: { maximumAttempts: 1 },
    // wait until the connectors are really stopped before the job reports cancelled
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });

  const attempts: AttemptSummary[] = [];
  const status: SyncJobStatus = { jobId, phase: 'starting', attemptNumber: 0, attempts };
  let cancelRequested = false;
  let attemptScope: CancellationScope | undefined;
  setHandler(syncJobStatusQuery, () => status);
  setHandler(cancelSyncJobSignal, () => {
    cancelRequested = true;
    attemptScope?.cancel();
  });

  const finish = async (result: SyncJobResult): Promise<SyncJobResult> => {
    status.phase = 'finished';
    status.nextAttemptAt = undefined;
    await CancellationScope.nonCancellable(() => bookkeeping.finishJob({ jobId, connectionId, result }));
    return result;
  };
  const cancelled = () => finish({ jobId, status: 'cancelled', attempts, failures: [] });

  try {
    for (;;) {
      if (cancelRequested) return await cancelled();
      const { attemptNumber } = await bookkeeping.createAttempt({ jobId });
      Object.assign(status, { phase: 'replicating', attemptNumber, nextAttemptAt: undefined });
      const ref = { connectionId, jobId, attemptNumber };
      const checkConnectorsFirst = attemptNumber > 1 || input.previousJobFailed === true;
      let outcome: AttemptOutcome;
      try {
        // a cancel that came while the attempt was being created stops it before it starts
        if (cancelRequested && patched('cancel-before-attempt-starts')) throw new CancelledFailure('cancelled before the attempt started');
        attemptScope = new CancellationScope();
        outcome = await attemptScope.run(async () => {
          for (let reattaches = 0; ; reattaches++) {
            try {
              return await replicate({ ...ref, checkConnectorsFirst, ...(reattaches > 0 ? { reattach: true } : {}) });
            } catch (err) {
              // in Kubernetes the attempt runs in its own pod, which outlives the worker that
              // watched it: another worker picks it up instead of starting the attempt over
              const again =
                lostItsWorker(err) &&
                !cancelRequested &&
                reattaches < MAX_REATTACHES &&
                patched('reattach-replication-pod') &&
                (await bookkeeping.canReattach(ref));
              if (!again) throw err;
            }
          }
        });
      } catch (err) {
        outcome = outcomeOfFailure(err);
        // a workflow cancellation (not our signal) also lands here
        if (outcome.status === 'cancelled') cancelRequested = true;
      } finally {
        attemptScope = undefined;
      }
      attempts.push({ attemptNumber, ...outcome });
      const failed = outcome.status === 'failed' && !cancelRequested;
      // decided before it is recorded, so the attempt says why it was or was not retried
      const next = failed ? nextStepAfterFailure(policy, attempts) : undefined;
      await CancellationScope.nonCancellable(() =>
        bookkeeping.finishAttempt({ ...ref, outcome, ...(next ? { nextStep: describeNextStep(next) } : {}) }),
      );

      if (outcome.status === 'succeeded') return await finish({ jobId, status: 'succeeded', attempts, failures: [] });
      if (outcome.status === 'cancelled' || cancelRequested || !next) return await cancelled();
      if (next.action === 'give_up') return await finish({ jobId, status: 'failed', attempts, failures: outcome.failures });
      if (next.delayMs > 0) {
        Object.assign(status, { phase: 'backing_off', nextAttemptAt: Date.now() + next.delayMs });
        await condition(() => cancelRequested, next.delayMs);
      }
    }
  } catch (err) {
    // the workflow itself was cancelled while backing off or between activities
    if (isCancellation(err)) return await cancelled();
    throw err;
  }
}
