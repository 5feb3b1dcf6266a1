/**
 * The persistence port of the worker: the database layer (libs/db) implements it; the
 * activities call it. Everything a sync needs that lives in Postgres goes through here.
 */
import type { ConnectorSide, ReplicationProgress, ReplicationState, ReplicationTotals } from '@tributary/replication';
import type { AirbyteCatalog, ConfiguredAirbyteCatalog } from '@tributary/protocol';
import type { CatalogDiff, NonBreakingChangesPolicy } from './schema-change.js';
import type { ConnectionSettings } from './connection-contract.js';
import type { AttemptOutcome, JobTrigger, SyncJobResult } from './sync-job-contract.js';

/** Everything replicate() needs for a connection, secrets included (never put in workflow history). */
export interface SyncConfig {
  source: ConnectorSide;
  destination: ConnectorSide;
  catalog: ConfiguredAirbyteCatalog;
  /** set to detect schema changes (a discover) before the first attempt of each job */
  nonBreakingChangesPolicy?: NonBreakingChangesPolicy;
}

/** What a job's schema-change detection found and decided, to be stored with the connection. */
export interface SchemaChange {
  diff: CatalogDiff;
  discovered: AirbyteCatalog;
  /** the new configured catalog when changes were propagated */
  catalog?: ConfiguredAirbyteCatalog;
  /** the connection must be disabled (status inactive), for this reason */
  disableReason?: string;
}

export interface JobPersistence {
  loadConnectionSettings(connectionId: string): Promise<ConnectionSettings>;
  loadSyncConfig(connectionId: string): Promise<SyncConfig>;
  /** the last committed state of the connection (undefined before the first commit) */
  loadState(connectionId: string): Promise<ReplicationState | undefined>;
  createJob(connectionId: string, trigger: JobTrigger): Promise<{ jobId: string }>;
  /** numbers attempts 1, 2, ... per job */
  createAttempt(jobId: string): Promise<{ attemptNumber: number }>;
  /** called each time the destination commits; must be durable when it resolves */
  persistState(ref: AttemptRef, state: ReplicationState, totals: ReplicationTotals): Promise<void>;
  /** latest live progress (throttled by the caller) */
  persistProgress(ref: AttemptRef, progress: ReplicationProgress): Promise<void>;
  finishAttempt(ref: AttemptRef, outcome: AttemptOutcome): Promise<void>;
  finishJob(jobId: string, result: SyncJobResult): Promise<void>;
  /** records the newest discovered catalog and applies the decision (new catalog, disable) */
  applySchemaChange(connectionId: string, change: SchemaChange): Promise<void>;
}

export interface AttemptRef {
  connectionId: string;
  jobId: string;
  attemptNumber: number;
}
