/**
 * What a sync moved: the four counters every report carries (engine totals, per-stream
 * stats, stored attempt stats, API responses), and the per-stream shape stored with an
 * attempt. Mapped here once; everything else spreads these.
 */
export const SYNC_COUNTERS = ['recordsEmitted', 'bytesEmitted', 'recordsCommitted', 'bytesCommitted'] as const;
export type SyncCounter = (typeof SYNC_COUNTERS)[number];

export interface SyncCounters {
  recordsEmitted: number;
  /** the records' bytes as the source printed them (without dropped fields of a field selection) */
  bytesEmitted: number;
  /** records before the last state the destination committed (all emitted ones on success) */
  recordsCommitted: number;
  /** estimated: the emitted bytes of the committed records */
  bytesCommitted: number;
}

/** One stream's counters as the engine reports them. */
export interface StreamStats extends SyncCounters {
  name: string;
  namespace?: string;
}

/**
 * One stream's counters as stored with an attempt and served by the API: no namespace is
 * null; rows written before bytes were committed per stream lack bytesCommitted.
 */
export interface StoredStreamStats extends Omit<SyncCounters, 'bytesCommitted'> {
  name: string;
  namespace: string | null;
  bytesCommitted?: number;
}

/** Records and bytes moved by an attempt, in total and per stream (the attempt.stats column). */
export interface AttemptStats extends Omit<SyncCounters, 'bytesCommitted'> {
  bytesCommitted?: number;
  streams?: StoredStreamStats[];
}

/** Just the four counters of anything that carries them (totals, progress, outcomes). */
export function syncCounters(from: SyncCounters): SyncCounters {
  return {
    recordsEmitted: from.recordsEmitted,
    bytesEmitted: from.bytesEmitted,
    recordsCommitted: from.recordsCommitted,
    bytesCommitted: from.bytesCommitted,
  };
}

export function storedStreamStats(stream: StreamStats): StoredStreamStats {
  return { name: stream.name, namespace: stream.namespace ?? null, ...syncCounters(stream) };
}
