/**
 * The persistence port of the worker: the database layer (libs/db) implements it; the
 * activities call it. Everything a sync needs that lives in Postgres goes through here.
 */
import type { ResourceRequirements, StreamFieldSelection } from '@tributary/domain';
import type { ConnectorSide, DestinationNaming, ReplicationProgress, ReplicationState, ReplicationTotals } from '@tributary/replication';
import type { AirbyteCatalog, ConfiguredAirbyteCatalog, StreamDescriptor } from '@tributary/protocol';
import type { CatalogDiff, NonBreakingChangesPolicy } from './schema-change.js';
import type { ConnectionSettings } from './connection-contract.js';
import type { AttemptOutcome, JobKind, JobRequest, JobTrigger, SyncJobResult } from './sync-job-contract.js';

/**
 * Everything an attempt of a job needs, secrets included (never put in workflow history).
 * The catalog carries the job's sync_id, generation_id and minimum_generation_id per stream.
 */
export interface SyncConfig {
  kind: JobKind;
  /** the saved source and destination (a connector's own new config is saved to them) */
  actorIds: { source: string; destination: string };
  source: ConnectorSide;
  destination: ConnectorSide;
  /**
   * sync/refresh: the streams to replicate. clear: the streams to empty (only the
   * destination runs, with no records and minimum_generation_id = generation_id).
   */
  catalog: ConfiguredAirbyteCatalog;
  /** where the destination writes each stream (the connection's namespace definition and prefix) */
  destinationNaming: DestinationNaming;
  /**
   * the streams that sync only some fields (the catalog's json_schema of each already lists
   * only those): records lose the other fields on their way, and schema-change detection
   * looks only at the selected ones; empty when every stream syncs every field
   */
  fieldSelection: StreamFieldSelection[];
  /** set to detect schema changes (a discover) before the first attempt of each sync/refresh job */
  nonBreakingChangesPolicy?: NonBreakingChangesPolicy;
  /**
   * with nonBreakingChangesPolicy: the whole source catalog the connection's streams were chosen
   * from (or the newest one it acknowledged), so unselected streams are not taken for new ones
   */
  sourceCatalog?: AirbyteCatalog;
  /** the plaintext of every secret in both configs: masked in attempt logs */
  secretValues: string[];
  /** the connection's own resource requirements for its replication pod (before its definitions' and the defaults) */
  connectionResources?: ResourceRequirements;
}

/** A stored connector config, decrypted, with the plaintext of every secret in it (to mask wherever the connector speaks). */
export interface ConnectorConfig {
  config: Record<string, unknown>;
  secretValues: string[];
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
  /** the config of an attempt of this job (as snapshotted when the job was created) */
  loadSyncConfig(job: JobRef): Promise<SyncConfig>;
  /**
   * A connector's own new config (CONTROL CONNECTOR_CONFIG): validated against its spec (a
   * DomainError otherwise), saved with its secrets encrypted, the previous one kept. Answers the
   * new secret values (to mask) and the top-level fields that changed.
   */
  saveConnectorConfig(actorId: string, config: Record<string, unknown>): Promise<{ secretValues: string[]; changedFields: string[] }>;
  /** a saved source's or destination's decrypted config and its secret values (check and discover by id) */
  loadConnectorConfig(actorId: string): Promise<ConnectorConfig>;
  /** the last committed state of the connection (undefined before the first commit) */
  loadState(connectionId: string): Promise<ReplicationState | undefined>;
  /**
   * Records a new job (status running). A clear or refresh bumps the generation of its
   * streams and wipes their state in the same transaction; every job that reads wipes the
   * state of full refresh streams (it only carries a read between the attempts of one job).
   * Fails if a job already runs, unless it was created by the same `requestId` (a retry): then
   * answers with that job.
   */
  createJob(connectionId: string, trigger: JobTrigger, request: JobRequest, requestId?: string): Promise<{ jobId: string }>;
  /**
   * Moves overwrite streams that start an attempt without committed state to a new generation
   * (on the connection, so generations only grow) and returns the generation_id of every stream
   * of the connection, by streamDescriptorKey: the destination then starts their staging afresh instead of continuing
   * what an earlier attempt left, which the source is about to read again.
   */
  startNewGenerations(connectionId: string, streams: readonly StreamDescriptor[]): Promise<Map<string, number>>;
  /** numbers attempts 1, 2, ... per job */
  createAttempt(jobId: string): Promise<{ attemptNumber: number }>;
  /** called each time the destination commits; must be durable when it resolves */
  persistState(ref: AttemptRef, state: ReplicationState, totals: ReplicationTotals): Promise<void>;
  /** latest live progress (throttled by the caller) */
  persistProgress(ref: AttemptRef, progress: ReplicationProgress): Promise<void>;
  /** the last progress persistProgress saved for the attempt (undefined before the first) */
  loadProgress(ref: AttemptRef): Promise<ReplicationProgress | undefined>;
  /**
   * A new credential (`trr_...`) for a replication pod of this running attempt to call the
   * Config API's runner routes with; issuing again replaces it. It stops working when the
   * attempt finishes.
   */
  issueRunnerToken(ref: AttemptRef): Promise<string>;
  /** the outcome a replication pod reported for the attempt (undefined when it reported none) */
  loadRunnerOutcome(ref: AttemptRef): Promise<AttemptOutcome | undefined>;
  /** nextStep: after a failed attempt, what happens next, in words (describeNextStep) */
  finishAttempt(ref: AttemptRef, outcome: AttemptOutcome, nextStep?: string): Promise<void>;
  finishJob(jobId: string, result: SyncJobResult): Promise<void>;
  /** records the newest discovered catalog and applies the decision (new catalog, disable) */
  applySchemaChange(connectionId: string, change: SchemaChange): Promise<void>;
  /** stores a catalog the source discovered as its newest (an unchanged one keeps its row); its id */
  recordSourceCatalog(sourceId: string, catalog: AirbyteCatalog): Promise<string>;
}

export interface JobRef {
  connectionId: string;
  jobId: string;
}

export interface AttemptRef extends JobRef {
  attemptNumber: number;
}
