/**
 * @tributary/replication: one sync attempt, source → destination (replicate()), with
 * state checkpointing (committed = echoed by the destination), per-stream stats,
 * progress, backpressure and cancellation.
 */
export * from './types.js';
export { replicate, DEFAULT_KILL_GRACE_MS, DEFAULT_PROGRESS_INTERVAL_MS } from './replicate.js';
export { mergeState, stateForSource, stateKey } from './state-tracker.js';
export { RecordPeeker, NOT_SURE } from './record-peek.js';
export { StreamCatalog } from './stream-catalog.js';
export { DEFAULT_MAX_QUEUED_BYTES } from './source-pump.js';
