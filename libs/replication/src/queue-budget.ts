/**
 * Memory the syncs of one worker share for their source queues, beyond the queue each one
 * always has (SourcePumpOptions.maxQueuedBytes). It is there for bursts: a Python CDK source
 * collects what it prints for 0.1 s and writes it at once (airbyte_cdk's PrintBuffer), 9 MiB
 * for a fast source of 1.7 KB records. A queue smaller than that blocks the source in the
 * middle of its write until the destination has read most of it; the source then prints its
 * next 0.1 s while the destination, having read everything, waits. Measured on the customers
 * stream of source-hardcoded-records into destination-postgres: the two took turns instead of
 * working at the same time (6.9-7.2 s with a 4 MiB queue, 5.8-6.0 s with 16 MiB or more).
 * Shared, so that ten syncs at once still fit the worker's memory.
 */
export class QueueBudget {
  constructor(private free: number) {}

  /** bytes not lent out */
  get available(): number {
    return this.free;
  }

  /** Lends `bytes` if that much is free. */
  take(bytes: number): boolean {
    if (bytes > this.free) return false;
    this.free -= bytes;
    return true;
  }

  give(bytes: number): void {
    this.free += bytes;
  }
}

/** The most one source's queue grows to, its own part and what it borrowed together. */
export const DEFAULT_MAX_BURST_BYTES = 20 * 1024 * 1024;

/**
 * What the pumps of this process borrow from by default: with its own 4 MiB, one sync alone
 * reaches 20 MiB, two bursts of the customers stream above. Ten syncs that all outrun their
 * destinations hold it all: the worker's RSS in bench:concurrent-syncs went from 257 to 296
 * MiB with 28 MiB here, so it is kept smaller.
 */
export const workerQueueBudget = new QueueBudget(16 * 1024 * 1024);
