/**
 * The hot path: source stdout → destination stdin.
 *
 * Each chunk is split into lines with Buffer.indexOf; record lines are recognised by
 * RecordPeeker and counted, and contiguous runs of forwarded lines (records and states)
 * go out as one slice of the chunk, never re-encoded. Only other lines (logs, traces,
 * states, garbage) reach the slow path, which parses them.
 *
 * Backpressure: once maxQueuedBytes wait for the destination's stdin, the source's stdout
 * is paused until the queue is down to a quarter, so the source blocks on its own pipe and
 * memory stays bounded at maxQueuedBytes plus one chunk (plus one partial line, capped at
 * maxLineBytes).
 */
import type { Readable, Writable } from 'node:stream';
import { NOT_SURE, type RecordPeeker } from './record-peek.js';
import type { ReplicationStats } from './stats.js';
import type { BackpressureStats } from './types.js';

export const FORWARD = 0;
export const SKIP = 1;
export const STOP = 2;
export type LineAction = typeof FORWARD | typeof SKIP | typeof STOP;

export const DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const NEWLINE = Buffer.from('\n');

export interface SourcePumpOptions {
  source: Readable;
  destination: Writable;
  peeker: RecordPeeker;
  stats: ReplicationStats;
  maxLineBytes: number;
  /** pause the source once this much waits for the destination's stdin; default 1 MiB */
  maxQueuedBytes?: number;
  /**
   * Any line the peeker is not sure about (a view into the chunk, no terminator). Counts
   * the line itself when it turns out to be a record; STOP ends the pump (a fatal line).
   */
  slowLine(line: Buffer): LineAction;
  /** slowLine said STOP; everything before that line has been written */
  onStopped(): void;
  /**
   * A line grew past maxLineBytes; the pump has stopped, everything before it was written.
   * `partlyForwarded`: the line's beginning already went to the destination (see inFlight).
   */
  onLineTooLong(bytes: number, partlyForwarded: boolean): void;
  /** the source's stdout ended and everything was handed to the destination */
  onEnd(): void;
}

export class SourcePump {
  /** the start of a line that is not surely a record, kept until its end arrives */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /**
   * Stream of a record line whose beginning was already forwarded (NOT_SURE: none): a
   * chunk that ends inside a record goes out whole, so each chunk is one write and no
   * bytes are copied.
   */
  private inFlight = NOT_SURE;
  private inFlightBytes = 0;
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
  private readonly maxQueuedBytes: number;

  constructor(private readonly options: SourcePumpOptions) {
    this.source = options.source;
    this.dest = options.destination;
    this.peeker = options.peeker;
    this.bucketRecords = options.stats.bucketRecords;
    this.bucketBytes = options.stats.bucketBytes;
    this.maxLineBytes = options.maxLineBytes;
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
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
    this.inFlight = NOT_SURE;
    this.source.resume();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.stopped) return;
    this.options.stats.sourceBytesRead += chunk.length;
    const dest = this.dest;
    this.processChunk(chunk);
    if (this.stopped) return;
    const queued = dest.writableLength;
    if (queued > this.backpressure.maxQueuedBytes) this.backpressure.maxQueuedBytes = queued;
    // queue a little more than the stream's own highWaterMark (16 KiB): with three processes
    // on few cores, reading several chunks per wake-up means fewer context switches
    if (queued > this.maxQueuedBytes && !this.pausedAt) {
      this.pausedAt = Date.now();
      this.backpressure.sourcePauses++;
      this.source.pause();
    }
  };

  /**
   * After each write reached the pipe: a paused source resumes once the queue is down to a
   * quarter, not empty ('drain'), so the source is not left blocked while the rest drains.
   */
  private readonly onWritten = (): void => {
    if (!this.pausedAt || this.dest.writableLength > this.maxQueuedBytes / 4) return;
    this.backpressure.pausedMs += Date.now() - this.pausedAt;
    this.pausedAt = 0;
    if (!this.stopped) this.source.resume();
  };

  private write(buf: Buffer): void {
    const dest = this.dest;
    if (dest.writableEnded || dest.destroyed) return;
    dest.write(buf, this.onWritten);
  }

  private processChunk(chunk: Buffer): void {
    const len = chunk.length;
    let pos = 0;
    // the bytes [runStart, pos) are forwarded lines not yet written
    let runStart = 0;

    if (this.inFlight !== NOT_SURE) {
      // the rest of a record whose beginning went out with the previous chunk
      const nl = chunk.indexOf(LF);
      const bytes = this.inFlightBytes + (nl === -1 ? len : nl);
      if (bytes > this.maxLineBytes) {
        this.tooLong(bytes);
        return;
      }
      if (nl === -1) {
        this.inFlightBytes = bytes;
        this.write(chunk);
        return;
      }
      this.count(this.inFlight, nl > 0 && chunk[nl - 1] === CR ? bytes - 1 : bytes);
      this.inFlight = NOT_SURE;
      pos = nl + 1;
    } else if (this.partialBytes > 0) {
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
      runStart = pos;
    }

    const peeker = this.peeker;
    const bucketRecords = this.bucketRecords;
    const bucketBytes = this.bucketBytes;
    const max = this.maxLineBytes;
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
    if (pos < len) {
      // the chunk ends inside a line: if it surely starts a record, send it on now (one
      // write per chunk, no copy); otherwise keep it until its end arrives
      const index = len - pos <= max ? peeker.peekStart(chunk, pos, len) : NOT_SURE;
      if (index !== NOT_SURE) {
        this.inFlight = index;
        this.inFlightBytes = len - pos;
        pos = len;
      }
    }
    // usually the whole chunk: no view object to allocate then
    if (pos > runStart) this.write(runStart === 0 && pos === len ? chunk : chunk.subarray(runStart, pos));
    if (pos < len) this.keepPartial(chunk, pos);
  }

  private count(index: number, bytes: number): void {
    this.bucketRecords[index] = this.bucketRecords[index]! + 1;
    this.bucketBytes[index] = this.bucketBytes[index]! + bytes;
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
      this.count(index, end);
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
    const partlyForwarded = this.inFlight !== NOT_SURE;
    this.stop();
    this.options.onLineTooLong(bytes, partlyForwarded);
  }

  private readonly onSourceEnd = (): void => {
    if (this.ended) return;
    this.ended = true;
    if (!this.stopped && this.inFlight !== NOT_SURE) {
      // the last record had no newline: end it
      this.count(this.inFlight, this.inFlightBytes);
      this.inFlight = NOT_SURE;
      this.write(NEWLINE);
    }
    if (!this.stopped && this.partialBytes > 0) {
      // a last line without a newline: forward it with one
      const line = Buffer.concat([...this.partial, NEWLINE], this.partialBytes + 1);
      this.partial = [];
      this.partialBytes = 0;
      this.singleLine(line, line.length - 1);
    }
    if (this.stopped) return;
    this.options.onEnd();
  };
}
