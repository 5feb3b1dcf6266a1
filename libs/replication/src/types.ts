/** The public contract of replicate(): what goes in, what comes out, what is reported meanwhile. */
import type { ConnectorRole, FailureReason, LogSink, StreamFieldSelection, StreamStats, SyncCounters } from '@tributary/domain';
import type { AirbyteStateMessage, ConfiguredAirbyteCatalog } from '@tributary/protocol';
import type { ConnectorDefinition, ConnectorLauncher, ProcessExit } from '@tributary/launcher';

/**
 * Committed state, in the shape sources take as `--state`: one message per stream for
 * STREAM state, a single GLOBAL message, or a single LEGACY message (see stateForSource).
 */
export type ReplicationState = AirbyteStateMessage[];

export interface ConnectorSide {
  definition: ConnectorDefinition;
  config: Record<string, unknown>;
}

export interface ReplicationOptions {
  /** a connector line longer than this fails the run; default DEFAULT_MAX_LINE_BYTES (100 MiB) */
  maxLineBytes?: number;
  /**
   * the source is paused once this many bytes wait for the destination's stdin; default
   * 4 MiB: enough to ride out a destination's scheduling hiccups without blocking the source
   */
  maxQueuedBytes?: number;
  /**
   * the most the queue grows to when it borrows beyond maxQueuedBytes from the budget the
   * worker's syncs share, to take a source's burst at once (see QueueBudget); default 20 MiB
   */
  maxBurstBytes?: number;
  /**
   * a directory for a file that takes what the destination cannot take yet, instead of pausing
   * the source (see SpillInput); without it the source is paused once the queue is full
   */
  spillDir?: string;
  /** the most that file holds unread; default DEFAULT_SPILL_MAX_BYTES (128 MiB) */
  spillMaxBytes?: number;
  /** SIGTERM → SIGKILL grace when killing a connector; default 5 s (cancel must finish within 10 s) */
  killGraceMs?: number;
  /** how often onProgress is called while running; default 1 s */
  progressIntervalMs?: number;
  /** how many recent log/stderr lines per connector go into a failure's internalMessage; default 20 */
  recentLogLines?: number;
}

/**
 * Where a stream's records land in the destination (Airbyte's namespace definition):
 * - 'source': the namespace the source gives the stream (none: the destination's default);
 * - 'destination': always the destination's default (the namespace is removed);
 * - { format }: the format with `${SOURCE_NAMESPACE}` replaced by the source's namespace
 *   (empty when it has none); an empty result means the destination's default.
 */
export type NamespaceDefinition = 'source' | 'destination' | { format: string };

/**
 * How the destination names the source's streams. The source always sees its own names;
 * the destination sees the mapped ones everywhere (catalog, records, states, statuses).
 */
export interface DestinationNaming {
  namespace: NamespaceDefinition;
  /** prepended to every stream name in the destination */
  prefix?: string;
}

export interface ReplicateInput {
  launcher: ConnectorLauncher;
  source: ConnectorSide;
  destination: ConnectorSide;
  /** the configured catalog in the source's names (the destination gets it mapped by destinationNaming) */
  catalog: ConfiguredAirbyteCatalog;
  /**
   * The connection's namespace definition and stream prefix; omitted: streams keep the
   * source's names. Two streams that would land in the same destination stream fail the
   * attempt before anything starts (origin replication, config_error).
   */
  destinationNaming?: DestinationNaming;
  /**
   * Streams whose records keep only some top-level fields of `data`; streams not listed keep
   * every field (and their records go through byte for byte). The catalog's json_schema of a
   * listed stream is expected to list only those fields already (the platform stores it so).
   */
  fieldSelection?: StreamFieldSelection[];
  /** committed state of the previous attempt (a result's `state`); omitted on a first sync */
  state?: ReplicationState;
  signal?: AbortSignal;
  /** throttled (progressIntervalMs) and once more at the end with done: true */
  onProgress?: (progress: ReplicationProgress) => void;
  onLog?: LogSink;
  /**
   * Called each time the destination commits state, in order; a returned promise is awaited
   * before the next call and before replicate() resolves. The argument is the full merged state.
   * A rejection fails the attempt (origin platform, transient): the state was not saved.
   */
  onStateCommitted?: (state: ReplicationState, stats: ReplicationTotals) => void | Promise<void>;
  /**
   * Holds back everything bound for the destination until it settles, while both connectors
   * run (the source blocks once the held queue is full, as under backpressure). Resolving with
   * undefined lets it all through; a FailureReason ends the attempt with that reason as its
   * cause, and the destination is killed having received nothing (not even a stream status).
   * For what must hold before anything is written but need not delay the read: a schema
   * change found by a discover, a failed connector check.
   */
  destinationGate?: Promise<FailureReason | undefined>;
  /** a connector asked for its config to be replaced (CONTROL CONNECTOR_CONFIG) */
  onConfigUpdate?: (role: ConnectorRole, config: Record<string, unknown>) => void;
  options?: ReplicationOptions;
}

export interface StreamProgress extends StreamStats {
  /** last TRACE STREAM_STATUS from the source */
  status?: 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';
  /** TRACE ESTIMATE from the source */
  estimatedRecords?: number;
  estimatedBytes?: number;
}

export interface ReplicationTotals extends SyncCounters {
  stateMessagesEmitted: number;
  stateMessagesCommitted: number;
  /** bytes read from the source's stdout, every line included */
  sourceBytesRead: number;
  /** JSON lines that were not valid protocol messages (logged as warnings) */
  invalidMessages: number;
}

export interface ReplicationProgress extends ReplicationTotals {
  elapsedMs: number;
  recordsPerSecond: number;
  bytesPerSecond: number;
  streams: StreamProgress[];
  done: boolean;
}

export interface BackpressureStats {
  /** times the source was paused because the destination's stdin was full */
  sourcePauses: number;
  /** total time the source was paused */
  pausedMs: number;
  /** the most bytes ever queued in the engine for the destination's stdin */
  maxQueuedBytes: number;
  /** bytes that waited in the spill file (ReplicationOptions.spillDir), and the most it held at once */
  spilledBytes: number;
  maxSpilledBytes: number;
}

export type ReplicationStatus = 'succeeded' | 'failed' | 'cancelled';

export interface ReplicationResult {
  status: ReplicationStatus;
  /** the cause first; empty on success and usually on cancel */
  failures: FailureReason[];
  streamStats: StreamStats[];
  totals: ReplicationTotals;
  /** the last committed state (the input state when nothing was committed) */
  state: ReplicationState | undefined;
  /** latest CONTROL CONNECTOR_CONFIG per side, to be persisted by the caller */
  controlConfigUpdates: { source?: Record<string, unknown>; destination?: Record<string, unknown> };
  exits: { source?: ProcessExit; destination?: ProcessExit };
  backpressure: BackpressureStats;
  /** epoch ms */
  startedAt: number;
  endedAt: number;
}
