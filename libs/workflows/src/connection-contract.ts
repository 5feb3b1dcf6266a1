/**
 * The long-lived per-connection workflow: schedule, lifecycle and status. ConnectionSchedule
 * (Airbyte's field names) is also the type of libs/db's connection column.
 */
import type { JobRequest, JobStatus, SyncJobInput } from './sync-job-contract.js';

export type ConnectionSchedule =
  | { type: 'manual' }
  | { type: 'basic'; units: number; timeUnit: 'minutes' | 'hours' }
  /** 5 fields (min hour dom month dow) or 6 with seconds first; Quartz `?` is read as `*` */
  | { type: 'cron'; cronExpression: string; timeZone: string };

/** libs/db's connection statuses, plus `deleted` for a connection that no longer exists */
export type ConnectionLifecycle = 'active' | 'inactive' | 'deprecated' | 'deleted';

/** What the connection workflow needs to know (no connector configs, hence no secrets). */
export interface ConnectionSettings {
  connectionId: string;
  status: ConnectionLifecycle;
  schedule: ConnectionSchedule;
  /** the platform's retry policy and heartbeat timeout (worker configuration); input.jobOptions wins */
  jobOptions?: JobOptions;
}

export type JobOptions = Pick<SyncJobInput, 'retryPolicy' | 'heartbeatTimeoutMs'>;

export interface LastJob {
  jobId: string;
  status: JobStatus;
  /** epoch ms */
  startedAt: number;
  endedAt: number;
}

export interface ConnectionWorkflowInput {
  connectionId: string;
  /** carried over continue-as-new */
  lastJob?: LastJob;
  /** a job request (sync now, clear, refresh) that arrived while the previous run was finishing */
  pendingRequest?: JobRequest;
  /** tests pass a small backoff; otherwise the worker's settings (ConnectionSettings.jobOptions) apply */
  jobOptions?: JobOptions;
  /** tests pass a small one: the run continues as new after a job once its history has this many events */
  continueAsNewAfterEvents?: number;
}

export interface RunningJob {
  jobId: string;
  kind: JobRequest['kind'];
  startedAt: number;
}

export interface ConnectionWorkflowStatus {
  connectionId: string;
  /** starting: (re)loading the connection's settings, e.g. right after continue-as-new */
  state: 'starting' | 'waiting' | 'running' | 'stopped';
  schedule?: ConnectionSchedule;
  runningJob?: RunningJob;
  /** epoch ms; absent for manual schedules */
  nextRunAt?: number;
  lastJob?: LastJob;
  /** why no run is scheduled although the schedule is not manual (e.g. a bad cron expression) */
  scheduleError?: string;
}

/** The answer to a job request: the new job, or the one already running (the server answers 409 with it). */
export type RunJobResult = { status: 'started'; jobId: string } | { status: 'already_running'; jobId: string };

/** The long-lived workflow of one connection (implemented in ./workflows). */
export type ConnectionWorkflow = (input: ConnectionWorkflowInput) => Promise<void>;
