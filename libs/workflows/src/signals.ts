/** Signal, query and update definitions: the server sends them, the workflows handle them. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ConnectionWorkflowStatus, RunJobResult } from './connection-contract.js';
import type { JobRequest, SyncJobStatus } from './sync-job-contract.js';

/** Connection workflow: start a job (sync, clear, refresh) now; answers with the new job, or the running one. */
export const runJobUpdate = defineUpdate<RunJobResult, [JobRequest]>('runJob');
/**
 * Connection workflow: cancel this job if it is the one running (a job still being created is
 * waited for). Answers `cancelling`, or `unknown` when the connection does not run that job (it
 * finished, or it is an orphan whose workflow is gone): a stale cancel never stops the next job.
 */
export const cancelJobUpdate = defineUpdate<'cancelling' | 'unknown', [{ jobId: string }]>('cancelJobById');
/** Connection workflow: cancel whatever job runs. Kept for histories that hold it; the server sends cancelJobUpdate. */
export const cancelJobSignal = defineSignal('cancelJob');
/** Connection workflow: settings (schedule, status) changed; reloaded once no job runs. */
export const connectionUpdatedSignal = defineSignal('connectionUpdated');
/** Connection workflow: the connection is gone; a running job is cancelled and the workflow ends. */
export const connectionDeletedSignal = defineSignal('connectionDeleted');
export const connectionStatusQuery = defineQuery<ConnectionWorkflowStatus>('connectionStatus');

/** Sync job workflow: stop the running attempt and end the job as cancelled (workflow cancellation does the same). */
export const cancelSyncJobSignal = defineSignal('cancelSyncJob');
export const syncJobStatusQuery = defineQuery<SyncJobStatus>('syncJobStatus');
