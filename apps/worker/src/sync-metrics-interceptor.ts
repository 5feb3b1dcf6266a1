/**
 * Counts sync attempts around the replicate activity without the activity knowing: how long the
 * attempt waited in the task queue, that it is running, and when it ends its duration, status and
 * the records and bytes its destination committed.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { SyncMetrics } from '@tributary/metrics';
import type { AttemptOutcome, ReplicateActivityInput } from '@tributary/workflows';

const REPLICATE_ACTIVITY = 'replicate';

export function syncMetricsInterceptor(metrics: SyncMetrics): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        if (ctx.info.activityType !== REPLICATE_ACTIVITY) return next(input);
        const startedAt = Date.now();
        const ended = metrics.attemptStarted((startedAt - ctx.info.currentAttemptScheduledTimestampMs) / 1000);
        const { connectionId } = input.args[0] as ReplicateActivityInput;
        const finished = (outcome: AttemptOutcome | undefined) =>
          metrics.attemptFinished({
            connectionId,
            status: outcome?.status ?? 'error',
            durationSeconds: (Date.now() - startedAt) / 1000,
            recordsCommitted: outcome?.recordsCommitted ?? 0,
            bytesCommitted: outcome?.bytesCommitted ?? 0,
          });
        try {
          const outcome = (await next(input)) as AttemptOutcome;
          finished(outcome);
          return outcome;
        } catch (error) {
          // a failed or cancelled attempt throws with its outcome as the failure's details
          finished(outcomeOf(error));
          throw error;
        } finally {
          ended();
        }
      },
    },
  });
}

function outcomeOf(error: unknown): AttemptOutcome | undefined {
  const details = error instanceof ApplicationFailure || error instanceof CancelledFailure ? error.details : undefined;
  const outcome = details?.[0] as AttemptOutcome | undefined;
  return outcome && typeof outcome.status === 'string' ? outcome : undefined;
}
