/** One sync job (a series of attempts): input, per-attempt outcome, result. */
import type { FailureReason, StreamStats, SyncCounters } from '@tributary/domain';
import type { StreamDescriptor } from '@tributary/protocol';
import type { ReplicationProgress, ReplicationTotals } from '@tributary/replication';

/**
 * When a job gives up, and how long it waits between complete failures. Airbyte's
 * defaults: 5 successive / 10 total complete failures, 1000 successive / 20 total partial.
 */
export interface JobRetryPolicy {
  maxSuccessiveCompleteFailures: number;
  maxTotalCompleteFailures: number;
  maxSuccessivePartialFailures: number;
  maxTotalPartialFailures: number;
  /** wait after the n-th successive complete failure: initial × factor^(n−1), at most max */
  backoffInitialMs: number;
  backoffFactor: number;
  backoffMaxMs: number;
}

export const DEFAULT_JOB_RETRY_POLICY: JobRetryPolicy = {
  maxSuccessiveCompleteFailures: 5,
  maxTotalCompleteFailures: 10,
  maxSuccessivePartialFailures: 1000,
  maxTotalPartialFailures: 20,
  backoffInitialMs: 10_000,
  backoffFactor: 3,
  backoffMaxMs: 30 * 60_000,
};

export type JobTrigger = 'manual' | 'scheduled';

/**
 * sync: replicate the selected streams from their committed state.
 * clear: remove the destination data and the state of the listed streams (all when none are
 *   listed); no source runs. The destination drops the rows of older generations.
 * refresh: wipe the state of the listed streams (all when none are listed) and sync them
 *   from scratch; the destination drops the previous generation once the refresh succeeds.
 */
export type JobKind = 'sync' | 'clear' | 'refresh';

export interface JobRequest {
  kind: JobKind;
  /** clear/refresh only: the streams concerned; absent = every configured stream */
  streams?: StreamDescriptor[];
}

export interface SyncJobInput {
  connectionId: string;
  /** created beforehand (createJob) so the caller can answer with it at once */
  jobId: string;
  retryPolicy?: Partial<JobRetryPolicy>;
  /** the connection's previous job failed: check the connectors before the first attempt too */
  previousJobFailed?: boolean;
  /**
   * a worker that stops heartbeating for this long is presumed dead and the attempt fails
   * (the next one resumes from committed state); default REPLICATE_HEARTBEAT_TIMEOUT_MS
   */
  heartbeatTimeoutMs?: number;
}

export const REPLICATE_HEARTBEAT_TIMEOUT_MS = 30_000;

/** The replicate activity's failure type when its worker shut down while the attempt's pod runs on: another worker picks it up. */
export const POD_DETACHED_FAILURE = 'ReplicationPodDetached';

export type AttemptStatus = 'succeeded' | 'failed' | 'cancelled';
export type JobStatus = AttemptStatus;

export interface AttemptOutcome extends SyncCounters {
  status: AttemptStatus;
  /** the cause first */
  failures: FailureReason[];
  streamStats: StreamStats[];
}

export interface AttemptSummary extends AttemptOutcome {
  attemptNumber: number;
}

export interface SyncJobResult {
  jobId: string;
  status: JobStatus;
  attempts: AttemptSummary[];
  /** of the attempt that decided the job's fate */
  failures: FailureReason[];
}

/** Heartbeat details of the replicate activity: live progress (describe the job workflow to read it). */
export interface ReplicateHeartbeat {
  jobId: string;
  attemptNumber: number;
  /** absent until the first progress report of the attempt */
  progress?: ReplicationProgress;
  /** totals at the last state commit (updated at once on each commit, progress only every second) */
  committed?: ReplicationTotals;
}

export type SyncJobPhase = 'starting' | 'replicating' | 'backing_off' | 'finished';

export interface SyncJobStatus {
  jobId: string;
  phase: SyncJobPhase;
  attemptNumber: number;
  /** epoch ms of the next attempt while backing off */
  nextAttemptAt?: number;
  attempts: AttemptSummary[];
}

/** The workflow of one job, a child of the connection's workflow (implemented in ./workflows). */
export type SyncJobWorkflow = (input: SyncJobInput) => Promise<SyncJobResult>;
