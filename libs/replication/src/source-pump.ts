/**
 * The hot path: source stdout → destination stdin.
 *
 * Each chunk is split into lines with Buffer.indexOf; record lines are recognised by
 * RecordPeeker and counted, and contiguous runs of forwarded lines (records and states)
 * go out as one slice of the chunk, never re-encoded. Only other lines (logs, traces,
 * states, garbage) reach the slow path, which parses them.
 *
 * Backpressure: when the destination's stdin buffer is full, the source's stdout is
 * paused until 'drain', so the source blocks on its own pipe and memory stays bounded at
 * one chunk plus the stdin buffer (plus one partial line, capped at maxLineBytes).
 */
import type { Readable, Writable } from 'node:stream';
import { NOT_SURE, type RecordPeeker } from './record-peek.js';
import type { ReplicationStats } from './stats.js';
import type { BackpressureStats } from './types.js';

export const FORWARD = 0;
export const SKIP = 1;
export const STOP = 2;
export type LineAction = typeof FORWARD | typeof SKIP | typeof STOP;

const LF = 0x0a;
const CR = 0x0d;
const NEWLINE = Buffer.from('\n');

export interface SourcePumpOptions {
  source: Readable;
  destination: Writable;
  peeker: RecordPeeker;
  stats: ReplicationStats;
  maxLineBytes: number;
  /**
   * Any line the peeker is not sure about (a view into the chunk, no terminator). Counts
   * the line itself when it turns out to be a record; STOP ends the pump (a fatal line).
   */
  slowLine(line: Buffer): LineAction;
  /** slowLine said STOP; everything before that line has been written */
  onStopped(): void;
  /** a line grew past maxLineBytes; the pump has stopped, everything before it was written */
  onLineTooLong(bytes: number): void;
  /** the source's stdout ended and everything was handed to the destination */
  onEnd(): void;
}

export class SourcePump {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private stopped = false;
  private ended = false;
  private pausedAt = 0;
  readonly backpressure: BackpressureStats = { sourcePauses: 0, pausedMs: 0, maxQueuedBytes: 0 };

  private readonly source: Readable;
  private readonly dest: Writable;
  private readonly peeker: RecordPeeker;
  private readonly bucketRecords: Float64Array;
  private readonly bucketBytes: Float64Array;
  private readonly maxLineBytes: number;

  constructor(private readonly options: SourcePumpOptions) {
    this.source = options.source;
    this.dest = options.destination;
    this.peeker = options.peeker;
    this.bucketRecords = options.stats.bucketRecords;
    this.bucketBytes = options.stats.bucketBytes;
    this.maxLineBytes = options.maxLineBytes;
  }

  start(): void {
    this.source.on('data', this.onData);
    this.source.once('end', this.onSourceEnd);
  }

  /** Stops forwarding; the source's remaining output is read and dropped so it can exit. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.partial = [];
    this.partialBytes = 0;
    this.dest.off('drain', this.onDrain);
    this.source.resume();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.stopped) return;
    this.options.stats.sourceBytesRead += chunk.length;
    const dest = this.dest;
    // one writev for the completed partial line and the runs of this chunk
    // dest.cork();
    try {
      this.processChunk(chunk);
    } finally {
      // dest.uncork();
    }
    if (this.stopped) return;
    const queued = dest.writableLength;
    if (queued > this.backpressure.maxQueuedBytes) this.backpressure.maxQueuedBytes = queued;
    if (dest.writableNeedDrain && !this.pausedAt) {
      this.pausedAt = Date.now();
      this.backpressure.sourcePauses++;
      this.source.pause();
      dest.once('drain', this.onDrain);
    }
  };

  private readonly onDrain = (): void => {
    if (this.pausedAt) this.backpressure.pausedMs += Date.now() - this.pausedAt;
    this.pausedAt = 0;
    if (!this.stopped) this.source.resume();
  };

  private write(buf: Buffer): void {
    const dest = this.dest;
    if (dest.writableEnded || dest.destroyed) return;
    dest.write(buf);
  }

  private processChunk(chunk: Buffer): void {
    const len = chunk.length;
    let pos = 0;

    if (this.partialBytes > 0) {
      const nl = chunk.indexOf(LF);
      if (nl === -1) {
        this.keepPartial(chunk, 0);
        return;
      }
      this.partial.push(chunk.subarray(0, nl + 1));
      const line = Buffer.concat(this.partial, this.partialBytes + nl + 1);
      this.partial = [];
      this.partialBytes = 0;
      if (!this.singleLine(line, line.length - 1)) return;
      pos = nl + 1;
    }

    const peeker = this.peeker;
    const bucketRecords = this.bucketRecords;
    const bucketBytes = this.bucketBytes;
    const max = this.maxLineBytes;
    let runStart = pos;
    while (pos < len) {
      const nl = chunk.indexOf(LF, pos);
      if (nl === -1) break;
      let end = nl;
      if (end > pos && chunk[end - 1] === CR) end--;
      const lineBytes = end - pos;
      if (lineBytes > max) {
        if (pos > runStart) this.write(chunk.subarray(runStart, pos));
        this.tooLong(lineBytes);
        return;
      }
      const index = lineBytes > 0 ? peeker.peek(chunk, pos, end) : NOT_SURE;
      if (index !== NOT_SURE) {
        bucketRecords[index] = bucketRecords[index]! + 1;
        bucketBytes[index] = bucketBytes[index]! + lineBytes;
      } else {
        const action = lineBytes > 0 ? this.options.slowLine(chunk.subarray(pos, end)) : SKIP;
        if (action !== FORWARD) {
          if (pos > runStart) this.write(chunk.subarray(runStart, pos));
          runStart = nl + 1;
          if (action === STOP) {
            this.stop();
            this.options.onStopped();
            return;
          }
        }
      }
      pos = nl + 1;
    }
    if (pos > runStart) this.write(chunk.subarray(runStart, pos));
    if (pos < len) this.keepPartial(chunk, pos);
  }

  /** A line assembled from several chunks; `end` excludes its LF. Returns false once stopped. */
  private singleLine(line: Buffer, end: number): boolean {
    if (end > 0 && line[end - 1] === CR) end--;
    if (end > this.maxLineBytes) {
      this.tooLong(end);
      return false;
    }
    if (end === 0) return true;
    const index = this.peeker.peek(line, 0, end);
    if (index !== NOT_SURE) {
      this.bucketRecords[index] = this.bucketRecords[index]! + 1;
      this.bucketBytes[index] = this.bucketBytes[index]! + end;
      this.write(line);
      return true;
    }
    const action = this.options.slowLine(line.subarray(0, end));
    if (action === FORWARD) this.write(line);
    if (action === STOP) {
      this.stop();
      this.options.onStopped();
      return false;
    }
    return true;
  }

  private keepPartial(chunk: Buffer, from: number): void {
    // chunks are never reused by the stream, so a view is safe to keep
    this.partial.push(from === 0 ? chunk : chunk.subarray(from));
    this.partialBytes += chunk.length - from;
    if (this.partialBytes > this.maxLineBytes) this.tooLong(this.partialBytes);
  }

  private tooLong(bytes: number): void {
    this.stop();
    this.options.onLineTooLong(bytes);
  }

  private readonly onSourceEnd = (): void => {
    if (this.ended) return;
    this.ended = true;
    if (!this.stopped && this.partialBytes > 0) {
      // a last line without a newline: forward it with one
      const line = Buffer.concat([...this.partial, NEWLINE], this.partialBytes + 1);
      this.partial = [];
      this.partialBytes = 0;
      this.dest.cork();
      try {
        this.singleLine(line, line.length - 1);
      } finally {
        this.dest.uncork();
      }
    }
    if (this.stopped) return;
    this.options.onEnd();
  };
}
