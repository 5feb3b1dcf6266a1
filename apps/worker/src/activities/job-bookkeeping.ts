/** Activities that only record things: thin wrappers over the persistence port. */
import { DomainError, ErrorCode } from '@tributary/domain';
import type { AttemptRef, JobOptions, JobPersistence, JobRequest, JobTrigger, TributaryActivities } from '@tributary/workflows';
import type { SyncMetrics } from '@tributary/metrics';
import type { AttemptLogs } from '../attempt-logs.js';
import { asActivityFailure, withDomainFailures } from '../domain-failure.js';

type Bookkeeping = Pick<TributaryActivities, 'loadConnectionSettings' | 'createJob' | 'createAttempt' | 'finishAttempt' | 'finishJob'>;

/**
 * Only a connection's own workflow creates its jobs, one at a time, so an active job found
 * at that moment is an orphan: its job workflow ended (terminated, lost) without recording
 * a result. It is closed as failed so the connection is not blocked forever.
 */
async function createJob(persistence: JobPersistence, connectionId: string, trigger: JobTrigger, request: JobRequest, requestId?: string) {
  try {
    return await persistence.createJob(connectionId, trigger, request, requestId);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const orphan = err.details.jobId;
    if (err.code === ErrorCode.Conflict && typeof orphan === 'string') {
      const message = 'the job ended without recording a result (its workflow was terminated or lost)';
      await persistence.finishJob(orphan, {
        jobId: orphan,
        status: 'failed',
        attempts: [],
        failures: [{ origin: 'platform', type: 'system_error', message, timestamp: Date.now() }],
      });
      return await persistence.createJob(connectionId, trigger, request, requestId);
    }
    // the connection is gone or the request names streams it does not sync: retrying cannot help
    throw asActivityFailure(err);
  }
}

/** After a failed attempt, its log ends with what happens next (the attempt's activity has closed the log by then). */
async function logNextStep(attemptLogs: AttemptLogs, ref: AttemptRef, nextStep: string): Promise<void> {
  const log = await attemptLogs(ref);
  log.write({ timestamp: Date.now(), level: 'info', origin: 'platform', message: nextStep });
  await log.close();
}

/**
 * jobOptions: the worker's configured retry policy / heartbeat timeout, handed to every connection workflow.
 * metrics: counts jobs as they start and end (a retried activity may count one twice: counters are a trend, the database is the record)
 */
export function jobBookkeepingActivities(persistence: JobPersistence, attemptLogs: AttemptLogs, jobOptions?: JobOptions, metrics?: SyncMetrics): Bookkeeping {
  return {
    loadConnectionSettings: async ({ connectionId }) => ({ ...(await persistence.loadConnectionSettings(connectionId)), ...(jobOptions ? { jobOptions } : {}) }),
    createJob: async ({ connectionId, trigger, request, requestId }) => {
      const created = await createJob(persistence, connectionId, trigger, request, requestId);
      metrics?.syncStarted(connectionId);
      return created;
    },
    // a job that is gone (its connection was deleted) is not coming back: no retries
    createAttempt: ({ jobId }) => withDomainFailures(() => persistence.createAttempt(jobId)),
    finishAttempt: async ({ outcome, nextStep, ...ref }) => {
      await withDomainFailures(() => persistence.finishAttempt(ref, outcome, nextStep));
      if (nextStep) await logNextStep(attemptLogs, ref, nextStep);
    },
    finishJob: async ({ jobId, connectionId, result }) => {
      await withDomainFailures(() => persistence.finishJob(jobId, result));
      metrics?.syncFinished({ connectionId: connectionId ?? 'unknown', status: result.status, failureOrigin: result.failures[0]?.origin });
    },
  };
}
