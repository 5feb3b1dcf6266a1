/**
 * Per-stream counters. The hot path only bumps two typed-array slots per record (the
 * "bucket": records since the last STATE); everything else is derived when asked.
 */
import type { StreamStats } from '@tributary/domain';
import type { StreamCatalog } from './stream-catalog.js';
import type { ReplicationProgress, ReplicationTotals, StreamProgress } from './types.js';

/** Records and bytes per stream between two STATE messages, only the streams that moved. */
export interface Checkpoint {
  streams: number[];
  records: number[];
  bytes: number[];
}

export class ReplicationStats {
  /** records/bytes since the last source STATE, indexed by stream; written by the hot path */
  readonly bucketRecords: Float64Array;
  readonly bucketBytes: Float64Array;
  // emitted before the last source STATE
  private readonly checkpointedRecords: Float64Array;
  private readonly checkpointedBytes: Float64Array;
  private readonly committedRecords: Float64Array;
  private readonly committedBytes: Float64Array;
  private readonly status: (StreamProgress['status'] | undefined)[];
  private readonly estimates: ({ records?: number; bytes?: number } | undefined)[];

  stateMessagesEmitted = 0;
  stateMessagesCommitted = 0;
  sourceBytesRead = 0;
  invalidMessages = 0;

  constructor(private readonly catalog: StreamCatalog) {
    const n = catalog.size;
    this.bucketRecords = new Float64Array(n);
    this.bucketBytes = new Float64Array(n);
    this.checkpointedRecords = new Float64Array(n);
    this.checkpointedBytes = new Float64Array(n);
    this.committedRecords = new Float64Array(n);
    this.committedBytes = new Float64Array(n);
    this.status = new Array(n).fill(undefined);
    this.estimates = new Array(n).fill(undefined);
  }

  /**
   * At a source STATE: closes the bucket and returns what it held. A STREAM state covers
   * only its own stream (`only`); GLOBAL and LEGACY states cover every stream.
   */
  checkpoint(only: number | 'all' | 'none'): Checkpoint {
    const cp: Checkpoint = { streams: [], records: [], bytes: [] };
    const from = only === 'all' ? 0 : only === 'none' ? 0 : only;
    const to = only === 'all' ? this.bucketRecords.length : only === 'none' ? 0 : only + 1;
    for (let i = from; i < to; i++) {
      const records = this.bucketRecords[i] ?? 0;
      if (records === 0) continue;
      const bytes = this.bucketBytes[i] ?? 0;
      cp.streams.push(i);
      cp.records.push(records);
      cp.bytes.push(bytes);
      this.checkpointedRecords[i] = (this.checkpointedRecords[i] ?? 0) + records;
      this.checkpointedBytes[i] = (this.checkpointedBytes[i] ?? 0) + bytes;
      this.bucketRecords[i] = 0;
      this.bucketBytes[i] = 0;
    }
    this.stateMessagesEmitted++;
    return cp;
  }

  /** The destination committed the records of this checkpoint. */
  commit(cp: Checkpoint): void {
    for (let k = 0; k < cp.streams.length; k++) {
      const i = cp.streams[k] ?? 0;
      this.committedRecords[i] = (this.committedRecords[i] ?? 0) + (cp.records[k] ?? 0);
      this.committedBytes[i] = (this.committedBytes[i] ?? 0) + (cp.bytes[k] ?? 0);
    }
    this.stateMessagesCommitted++;
  }

  /**
   * A successful sync delivered everything, including records after the last STATE
   * (full refresh streams often have none): count them committed, as Airbyte does.
   */
  commitAll(): void {
    for (let i = 0; i < this.catalog.size; i++) {
      this.committedRecords[i] = this.emittedRecords(i);
      this.committedBytes[i] = this.emittedBytes(i);
    }
  }

  statusOf(index: number): StreamProgress['status'] | undefined {
    return this.status[index];
  }

  setStatus(index: number, status: StreamProgress['status']): void {
    this.status[index] = status;
  }

  setEstimate(index: number, records: number | null | undefined, bytes: number | null | undefined): void {
    this.estimates[index] = { ...(records != null ? { records } : {}), ...(bytes != null ? { bytes } : {}) };
  }

  private emittedRecords(i: number): number {
    return (this.checkpointedRecords[i] ?? 0) + (this.bucketRecords[i] ?? 0);
  }

  private emittedBytes(i: number): number {
    return (this.checkpointedBytes[i] ?? 0) + (this.bucketBytes[i] ?? 0);
  }

  streamStats(): StreamStats[] {
    return this.catalog.streams.map((s) => ({
      name: s.name,
      ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
      recordsEmitted: this.emittedRecords(s.index),
      bytesEmitted: this.emittedBytes(s.index),
      recordsCommitted: this.committedRecords[s.index] ?? 0,
      bytesCommitted: this.committedBytes[s.index] ?? 0,
    }));
  }

  totals(): ReplicationTotals {
    let recordsEmitted = 0;
    let bytesEmitted = 0;
    let recordsCommitted = 0;
    let bytesCommitted = 0;
    for (let i = 0; i < this.catalog.size; i++) {
      recordsEmitted += this.emittedRecords(i);
      bytesEmitted += this.emittedBytes(i);
      recordsCommitted += this.committedRecords[i] ?? 0;
      bytesCommitted += this.committedBytes[i] ?? 0;
    }
    return {
      recordsEmitted,
      bytesEmitted,
      recordsCommitted,
      bytesCommitted,
      stateMessagesEmitted: this.stateMessagesEmitted,
      stateMessagesCommitted: this.stateMessagesCommitted,
      sourceBytesRead: this.sourceBytesRead,
      invalidMessages: this.invalidMessages,
    };
  }

  progress(elapsedMs: number, done: boolean): ReplicationProgress {
    const totals = this.totals();
    const seconds = Math.max(elapsedMs, 1) / 1000;
    const streams: StreamProgress[] = this.streamStats().map((s, i) => {
      const status = this.status[i];
      const estimate = this.estimates[i];
      return {
        ...s,
        ...(status ? { status } : {}),
        ...(estimate?.records !== undefined ? { estimatedRecords: estimate.records } : {}),
        ...(estimate?.bytes !== undefined ? { estimatedBytes: estimate.bytes } : {}),
      };
    });
    return {
      ...totals,
      elapsedMs,
      recordsPerSecond: totals.recordsEmitted / seconds,
      bytesPerSecond: totals.bytesEmitted / seconds,
      streams,
      done,
    };
  }
}
