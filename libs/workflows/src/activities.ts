/**
 * The activities the workflows call, as types: implemented by apps/worker, which takes a
 * JobPersistence (see job-persistence.ts) for everything that touches the database.
 */
import type { ConnectionSettings } from './connection-contract.js';
import type { ConnectorCommandInput, ConnectorCommandResult } from './connector-command-contract.js';
import type { AttemptRef } from './job-persistence.js';
import type { AttemptOutcome, JobRequest, JobTrigger, SyncJobResult } from './sync-job-contract.js';

export interface ReplicateActivityInput {
  connectionId: string;
  jobId: string;
  attemptNumber: number;
  /** run `check` on both connectors before replicating (the previous attempt or job failed) */
  checkConnectorsFirst?: boolean;
  /** pick up the attempt's replication pod that a previous worker started (Kubernetes), start nothing */
  reattach?: boolean;
}

export interface TributaryActivities {
  runConnectorCommand(input: ConnectorCommandInput): Promise<ConnectorCommandResult>;
  loadConnectionSettings(input: { connectionId: string }): Promise<ConnectionSettings>;
  /** requestId: one per job the workflow starts; a retry with the same id answers with the job the first try created */
  createJob(input: { connectionId: string; trigger: JobTrigger; request: JobRequest; requestId?: string }): Promise<{ jobId: string }>;
  createAttempt(input: { jobId: string }): Promise<{ attemptNumber: number }>;
  /**
   * Runs one attempt: loads the sync config (secrets stay out of workflow history) and the
   * committed state, replicates, persists state as it is committed. Resolves on success;
   * fails with an ApplicationFailure whose first detail is the AttemptOutcome otherwise.
   */
  replicate(input: ReplicateActivityInput): Promise<AttemptOutcome>;
  /** whether the attempt's replication pod is there to re-attach to (always false where attempts run in the worker) */
  canReattach(input: AttemptRef): Promise<boolean>;
  /** nextStep: after a failed attempt, "retried in 10 s: ..." or "not retried: ..." (also written to the attempt's log) */
  finishAttempt(input: AttemptRef & { outcome: AttemptOutcome; nextStep?: string }): Promise<void>;
  /** connectionId: absent in histories recorded before it was passed (metrics label it unknown) */
  finishJob(input: { jobId: string; connectionId?: string; result: SyncJobResult }): Promise<void>;
}
