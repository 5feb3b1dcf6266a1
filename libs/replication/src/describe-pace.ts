import type { ReplicationResult } from './types.js';

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** Who set the pace, for the attempt's log: how long the source waited for the destination to take its records. */
export function describePace(result: ReplicationResult): string {
  const { sourcePauses, pausedMs, maxQueuedBytes, spilledBytes, maxSpilledBytes } = result.backpressure;
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  return (
    `pace: the source waited ${seconds(pausedMs)} s of ${seconds(result.endedAt - result.startedAt)} s for the destination ` +
    `(${sourcePauses} pauses, at most ${mib(maxQueuedBytes)} queued)` +
    (spilledBytes > 0 ? `; ${mib(spilledBytes)} waited in the spill file for the destination, at most ${mib(maxSpilledBytes)} at once` : '')
  );
}
