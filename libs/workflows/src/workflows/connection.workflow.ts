/**
 * One long-lived workflow per active connection: waits for the schedule or a sync-now,
 * runs one job at a time as a child workflow, and continues-as-new once its history has grown
 * (CONTINUE_AS_NEW_AFTER_EVENTS, or when Temporal suggests it). Not after every job: a sync
 * requested in the moment a run continues as new waits ~2 s for Temporal to hand the request
 * to the next run, and "sync now" right after a sync finished would pay that. Ends when the
 * connection is deleted or no longer active (the server starts it again on reactivation).
 *
 * The next run is computed here, with workflow time (deterministic on replay), rather
 * than with Temporal Schedules: "one job at a time", "sync now answers with the running
 * job" and "run at once when never synced" need the state this workflow already holds.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { TributaryActivities } from '../activities.js';
import type { ConnectionSettings, ConnectionWorkflowInput, LastJob, RunJobResult, RunningJob } from '../connection-contract.js';
import { syncJobWorkflowId } from '../ids.js';
import { nextRunAt } from '../schedule.js';
import {
  cancelJobSignal,
  cancelJobUpdate,
  cancelSyncJobSignal,
  connectionDeletedSignal,
  connectionStatusQuery,
  connectionUpdatedSignal,
  runJobUpdate,
} from '../signals.js';
import type { JobRequest, SyncJobResult } from '../sync-job-contract.js';
import { syncJobWorkflow } from './sync-job.workflow.js';

const { loadConnectionSettings, createJob, finishJob } = proxyActivities<TributaryActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** history events (a job adds ~20) after which the run continues as new once it is idle */
export const CONTINUE_AS_NEW_AFTER_EVENTS = 1_000;

export async function connectionWorkflow(input: ConnectionWorkflowInput): Promise<void> {
  const { connectionId } = input;
  let settings: ConnectionSettings | undefined;
  let lastJob: LastJob | undefined = input.lastJob;
  let runningJob: RunningJob | undefined;
  let nextRun: number | undefined;
  let scheduleError: string | undefined;
  let pendingRequest: JobRequest | undefined = input.pendingRequest;
  let updated = false;
  let deleted = false;
  /** the createJob activity runs: a job exists in the database that runningJob does not name yet */
  let creatingJob = false;
  /** the last request the platform refused to start (e.g. the connection vanished meanwhile) */
  let rejected: { request: JobRequest; reason: string } | undefined;
  const control: JobControl = { cancelPending: false };

  const refreshNextRun = (current: ConnectionSettings) => {
    try {
      nextRun = nextRunAt(current.schedule, Date.now(), lastJob);
      scheduleError = undefined;
    } catch (err) {
      // a bad schedule must not wedge the workflow: manual sync still works
      nextRun = undefined;
      scheduleError = err instanceof Error ? err.message : String(err);
    }
  };

  setHandler(connectionStatusQuery, () => ({
    connectionId,
    state: deleted || (settings && settings.status !== 'active') ? 'stopped' : runningJob ? 'running' : settings ? 'waiting' : 'starting',
    schedule: settings?.schedule,
    runningJob,
    nextRunAt: runningJob ? undefined : nextRun,
    lastJob,
    scheduleError,
  }));
  setHandler(
    runJobUpdate,
    async (request: JobRequest): Promise<RunJobResult> => {
      if (runningJob) return { status: 'already_running', jobId: runningJob.jobId };
      // a request already waiting to start wins; this one is answered with its job
      const alreadyRequested = pendingRequest !== undefined;
      pendingRequest ??= request;
      const waitingFor = pendingRequest;
      // getters: TypeScript would keep these narrowed to undefined across the await
      const current = (): RunningJob | undefined => runningJob;
      const refusal = () => (rejected?.request === waitingFor ? rejected : undefined);
      await condition(() => current() !== undefined || deleted || refusal() !== undefined);
      const job = current();
      const refused = refusal();
      if (refused) throw ApplicationFailure.nonRetryable(`the job could not start: ${refused.reason}`, 'JobRejected');
      if (!job) throw ApplicationFailure.nonRetryable('the connection was deleted', 'ConnectionDeleted');
      return { status: alreadyRequested ? 'already_running' : 'started', jobId: job.jobId };
    },
    {
      // a rejected update never reaches history
      validator: (request: JobRequest) => {
        if (deleted) throw new Error('the connection was deleted');
        if (!['sync', 'clear', 'refresh'].includes(request?.kind)) throw new Error(`unknown job kind ${JSON.stringify(request?.kind)}`);
      },
    },
  );
  setHandler(cancelJobSignal, () => {
    if (runningJob) control.cancelPending = true;
  });
  setHandler(cancelJobUpdate, async ({ jobId }) => {
    // a job being created is not known by its id yet: the answer waits for it
    await condition(() => !creatingJob);
    if (runningJob?.jobId !== jobId) return 'unknown';
    control.cancelPending = true;
    return 'cancelling';
  });
  setHandler(connectionUpdatedSignal, () => {
    updated = true;
  });
  setHandler(connectionDeletedSignal, () => {
    deleted = true;
    if (runningJob) control.cancelPending = true;
  });

  for (;;) {
    if (!settings || updated) {
      updated = false;
      settings = await loadConnectionSettings({ connectionId });
    }
    if (deleted || settings.status !== 'active') return;

    refreshNextRun(settings);
    const woken = () => pendingRequest !== undefined || updated || deleted;
    if (nextRun === undefined) await condition(woken);
    else if (nextRun > Date.now()) await condition(woken, nextRun - Date.now());
    if (deleted) return;
    if (updated && pendingRequest === undefined) continue;

    const trigger = pendingRequest ? 'manual' : 'scheduled';
    const request: JobRequest = pendingRequest ?? { kind: 'sync' };
    const startedAt = Date.now();
    let jobId: string;
    try {
      creatingJob = true;
      // one id per job: a retried activity answers with the job its first try created
      ({ jobId } = await createJob({ connectionId, trigger, request, requestId: uuid4() }));
    } catch (err) {
      creatingJob = false;
      // refused for good (createJob retries anything transient): answer the caller, keep waiting
      rejected = { request, reason: err instanceof ActivityFailure && err.cause ? err.cause.message : String(err) };
      pendingRequest = undefined;
      // e.g. the connection was deleted while its delete signal was lost: reloading ends the workflow
      updated = true;
      // a refused scheduled run must not spin: try again in a minute or on the next signal
      if (trigger === 'scheduled') await condition(woken, 60_000);
      continue;
    }
    runningJob = { jobId, kind: request.kind, startedAt };
    creatingJob = false;
    pendingRequest = undefined;
    const jobOptions = input.jobOptions ?? settings.jobOptions;
    const result = await runJob(jobId, { ...input, jobOptions, previousJobFailed: lastJob?.status === 'failed' }, control);
    lastJob = { jobId, status: result.status, startedAt, endedAt: Date.now() };
    refreshNextRun(settings);
    runningJob = undefined;
    // a cancel that came as the job ended is not for the next job of this run
    control.cancelPending = false;
    if (deleted) return;
    // the next job starts from the connection's settings as they are now, even if a signal was lost
    updated = true;
    const { historyLength, continueAsNewSuggested } = workflowInfo();
    const longHistory = continueAsNewSuggested || historyLength >= (input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_AFTER_EVENTS);
    // a request that came in meanwhile runs in this same run
    if (longHistory && pendingRequest === undefined && allHandlersFinished()) {
      await continueAsNew<typeof connectionWorkflow>({
        connectionId,
        lastJob,
        jobOptions: input.jobOptions,
        ...(input.continueAsNewAfterEvents !== undefined ? { continueAsNewAfterEvents: input.continueAsNewAfterEvents } : {}),
      });
    }
  }
}

interface JobControl {
  /** set by the cancel/delete signals, taken by runJob */
  cancelPending: boolean;
}

/** Runs the job as a child workflow, forwarding cancel requests to it. */
async function runJob(
  jobId: string,
  input: ConnectionWorkflowInput & { previousJobFailed: boolean },
  control: JobControl,
): Promise<SyncJobResult> {
  const child = await startChild(syncJobWorkflow, {
    workflowId: syncJobWorkflowId(jobId),
    args: [{ connectionId: input.connectionId, jobId, previousJobFailed: input.previousJobFailed, ...input.jobOptions }],
    // if this workflow is terminated, the job still stops its connectors cleanly
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
  });
  let result: SyncJobResult | undefined;
  let failure: unknown;
  const done = child.result().then(
    (r) => void (result = r),
    (err: unknown) => void (failure = err ?? new Error('sync job failed')),
  );
  const settled = () => result !== undefined || failure !== undefined;
  while (!settled()) {
    await condition(() => settled() || control.cancelPending);
    if (control.cancelPending && !settled()) {
      control.cancelPending = false;
      await child.signal(cancelSyncJobSignal);
    }
  }
  control.cancelPending = false;
  await done;
  if (result) return result;
  // the job workflow itself failed (a bug or termination): record it as a failed job
  const message = failure instanceof Error ? failure.message : String(failure);
  const failed: SyncJobResult = {
    jobId,
    status: 'failed',
    attempts: [],
    failures: [{ origin: 'platform', type: 'system_error', message: `sync job workflow failed: ${message}`, timestamp: Date.now() }],
  };
  await finishJob({ jobId, connectionId: input.connectionId, result: failed });
  return failed;
}
