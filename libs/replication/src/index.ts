/**
 * @tributary/replication: one sync attempt, source → destination (replicate()), with
 * state checkpointing (committed = echoed by the destination), per-stream stats,
 * progress, backpressure, cancellation and destination naming (namespace definition and
 * stream prefix: destinationCatalog, destinationStream).
 */
export * from './types.js';
export type { ReplicationPodInput } from './pod-input.js';
export { clearingLauncher } from './clearing-launcher.js';
export { describePace } from './describe-pace.js';
export { replicate, DEFAULT_KILL_GRACE_MS, DEFAULT_PROGRESS_INTERVAL_MS } from './replicate.js';
export { mergeState, stateForSource, stateKey } from './state-tracker.js';
export { RecordPeeker, NOT_SURE } from './record-peek.js';
export { StreamCatalog } from './stream-catalog.js';
export {
  SOURCE_NAMESPACE_VARIABLE,
  describeCollision,
  destinationCatalog,
  destinationNamespace,
  destinationNamingOf,
  destinationStream,
  namingCollisions,
  type ConnectionNamingSettings,
  type NamedStream,
  type NamingCollision,
  type StreamName,
} from './stream-naming.js';
export { DEFAULT_MAX_QUEUED_BYTES } from './source-pump.js';
export { DEFAULT_MAX_BURST_BYTES } from './queue-budget.js';
