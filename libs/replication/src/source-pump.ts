/**
 * The hot path: source stdout → destination stdin.
 *
 * Each chunk is split into lines with Buffer.indexOf; record lines are recognised by
 * RecordPeeker and counted, and contiguous runs of forwarded lines (records and states)
 * go out as one slice of the chunk, never re-encoded. Only other lines (logs, traces,
 * states, garbage) reach the slow path, which parses them. The destination only ever
 * receives complete lines: a line cut by a chunk boundary is held (a view, capped at
 * maxLineBytes) until its end arrives, then goes out in the same writev as the next run.
 *
 * Backpressure: once maxQueuedBytes wait for the destination's stdin, the source's stdout
 * is paused until the queue is down to a quarter, so the source blocks on its own pipe and
 * memory stays bounded at maxQueuedBytes plus one chunk (plus one partial line). Beyond its
 * own maxQueuedBytes the queue may borrow from a budget the worker's syncs share (see
 * QueueBudget: a source's bursts), up to maxBurstBytes; what it borrowed goes back when the
 * queue has drained and when the pump ends.
 *
 * Reader mode (`reader`, when the launcher supports it): the source's stdout is read straight
 * into a ring of slots (a new slot only when the next one is still busy: maxQueuedBytes in
 * all, plus borrowed ones) instead of a new Buffer per 64 KiB read, which
 * spares the GC most of its work (every read buffer used to be external memory to collect).
 * Reads append to the current slot; runs of lines are written to the destination as views
 * of it; a line cut by the end of the data stays where it is and the next read completes it
 * in place (or it moves to the start of the next slot when this one is nearly full). A slot
 * is reused only once everything written from it has left the destination's stdin queue,
 * which writes complete in order: bytes queued so far minus dest.writableLength. The source
 * is paused whenever the next slot is still busy, so the queue stays within the ring.
 *
 * Renaming and trimming (`rewriter`, when the destination names streams differently or some
 * stream has a field selection): forwarded lines are copied into a staging block instead,
 * records with their prefix replaced by the stream's new one and/or without the unselected
 * members of `data` (see RecordRewriter), and each chunk's output goes out as one view of the
 * block. Without a rewriter, none of this runs: lines go out as views of what was read.
 * A full block is reused once everything written from it has left the queue (as slots are),
 * so the blocks in use are bounded by the queue the limits above bound.
 */
import type { Readable, Writable } from 'node:stream';
import type { StdoutReader } from '@tributary/launcher';
import { NOT_SURE, type RecordPeeker } from './record-peek.js';
import type { RecordRewriter } from './record-rewrite.js';
import type { ReplicationStats } from './stats.js';
import type { BackpressureStats } from './types.js';
import { DEFAULT_MAX_BURST_BYTES, workerQueueBudget, type QueueBudget } from './queue-budget.js';

export const FORWARD = 0;
export const SKIP = 1;
export const STOP = 2;
export type LineAction = typeof FORWARD | typeof SKIP | typeof STOP;

/** what slowLine answers: an action, or the bytes to forward instead of the line (no terminator) */
export type SlowLineAnswer = LineAction | Buffer;

export const DEFAULT_MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** reader mode: the ring is maxQueuedBytes in slots of this size */
export const DEFAULT_SLOT_BYTES = 256 * 1024;
/** renaming: the staging block size; pieces longer than a quarter of it are written as they are */
export const DEFAULT_STAGE_BYTES = 128 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const NEWLINE = Buffer.from('\n');

export interface SourcePumpOptions {
  /** given here or to start() */
  source?: Readable;
  destination: Writable;
  peeker: RecordPeeker;
  /** set when records must be renamed or trimmed for the destination (uses the same peeker) */
  rewriter?: RecordRewriter;
  stats: ReplicationStats;
  maxLineBytes: number;
  /** pause the source once this much waits for the destination's stdin; default 4 MiB */
  maxQueuedBytes?: number;
  /** where the queue borrows beyond maxQueuedBytes; default the worker's (workerQueueBudget) */
  queueBudget?: QueueBudget;
  /** the most the queue grows to with what it borrowed; default DEFAULT_MAX_BURST_BYTES (20 MiB) */
  maxBurstBytes?: number;
  /** reader mode's slot size (tests); default 256 KiB */
  slotBytes?: number;
  /** renaming's staging block size (tests); default 128 KiB */
  stageBytes?: number;
  /**
   * Any line the peeker is not sure about (a view, no terminator). Counts the line itself
   * when it turns out to be a record; STOP ends the pump (a fatal line); a Buffer is
   * forwarded instead of the line (a renamed message).
   */
  slowLine(line: Buffer): SlowLineAnswer;
  /** slowLine said STOP; everything before that line has been written */
  onStopped(): void;
  /** a line grew past maxLineBytes; the pump has stopped, everything before it was written */
  onLineTooLong(bytes: number): void;
  /** the source's stdout ended and everything was handed to the destination */
  onEnd(): void;
  /** a bug of ours while handling a chunk (it must not become an uncaught exception) */
  onError(err: unknown): void;
}

export class SourcePump {
  /** the start of a line cut by the chunk boundary, kept until its end arrives */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private stopped = false;
  private ended = false;
  private pausedAt = 0;
  /** the pump's part of the result's backpressure (the spill file's is SpillInput's) */
  readonly backpressure: Omit<BackpressureStats, 'spilledBytes' | 'maxSpilledBytes'> = { sourcePauses: 0, pausedMs: 0, maxQueuedBytes: 0 };

  // reader mode: the ring (a slot is added when the next one is still busy)
  private viaReader = false;
  private readonly slots: Buffer[] = [];
  /** for each slot, `queued` right after its last write: it is free once that much is written */
  private readonly slotWrittenAt: number[] = [];
  /** slots the queue has of its own (maxQueuedBytes), and at most (maxBurstBytes) */
  private readonly ownSlots: number;
  private readonly maxSlots: number;
  private borrowedSlots = 0;
  private readonly slotBytes: number;
  private readonly minRead: number;
  private cur = 0;
  /** slots[cur][keep, fill) is the start of a line cut by the end of the data so far */
  private keep = 0;
  private fill = 0;
  /** where the next read goes: slots[cur] from fill on */
  private target: Buffer | undefined;
  /** every byte handed to dest.write so far */
  private queued = 0;

  // renaming: output is copied to stageBlock[stageStart, stageFill), then written as one view
  private readonly rewriter: RecordRewriter | undefined;
  private stageBlock: Buffer = Buffer.alloc(0);
  private stageStart = 0;
  private stageFill = 0;
  /** full blocks, oldest first, each with `queued` right after its last write */
  private readonly usedBlocks: { block: Buffer; writtenAt: number }[] = [];
  private readonly stageBytes: number;

  private source: Readable | undefined;
  private readonly dest: Writable;
  private readonly peeker: RecordPeeker;
  private readonly bucketRecords: Float64Array;
  private readonly bucketBytes: Float64Array;
  private readonly maxLineBytes: number;
  private readonly maxQueuedBytes: number;
  private readonly budget: QueueBudget;
  private readonly maxBurstBytes: number;
  /** 'data' mode: bytes borrowed from the budget; the source is paused past maxQueuedBytes plus these */
  private borrowedBytes = 0;

  constructor(private readonly options: SourcePumpOptions) {
    this.source = options.source;
    this.dest = options.destination;
    this.peeker = options.peeker;
    this.rewriter = options.rewriter;
    this.stageBytes = Math.max(options.stageBytes ?? DEFAULT_STAGE_BYTES, 16);
    this.bucketRecords = options.stats.bucketRecords;
    this.bucketBytes = options.stats.bucketBytes;
    this.maxLineBytes = options.maxLineBytes;
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.source = options.source;
    this.slotBytes = Math.max(options.slotBytes ?? DEFAULT_SLOT_BYTES, 16);
    this.minRead = this.slotBytes >>> 2;
    this.budget = options.queueBudget ?? workerQueueBudget;
    this.maxBurstBytes = Math.max(options.maxBurstBytes ?? DEFAULT_MAX_BURST_BYTES, this.maxQueuedBytes);
    this.ownSlots = Math.max(3, Math.ceil(this.maxQueuedBytes / this.slotBytes));
    this.maxSlots = Math.max(this.ownSlots, Math.ceil(this.maxBurstBytes / this.slotBytes));
  }

  /**
   * For RunOptions.stdoutReader. Used only if the launcher says so (stdoutReaderAttached),
   * in which case start() must be told too.
   */
  readonly reader: StdoutReader = {
    buffer: () => (this.target ??= this.firstSlot()),
    onRead: (bytes) => this.onRead(bytes),
  };

  /** viaReader: the source's bytes come through `reader`, not 'data' events */
  start(source?: Readable, viaReader = false): void {
    if (source) this.source = source;
    const src = this.source!;
    this.viaReader = viaReader;
    if (!viaReader) src.on('data', this.onData);
    src.once('end', this.onSourceEnd);
    if (this.pausedAt && !this.stopped) src.pause();
  }

  /** Stops forwarding; the source's remaining output is read and dropped so it can exit. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.partial = [];
    this.partialBytes = 0;
    // reader mode: later reads (the next one at most goes to the current target, which
    // nothing written refers to) land in a scratch buffer, again and again
    if (this.target) this.target = Buffer.allocUnsafeSlow(Math.min(this.slotBytes, 64 * 1024));
    this.giveBackBorrowed();
    this.source?.resume();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.stopped) return;
    this.options.stats.sourceBytesRead += chunk.length;
    try {
      const rest = this.processChunk(chunk);
      if (rest >= 0 && rest < chunk.length) this.keepPartial(chunk, rest);
    } catch (err) {
      this.stop();
      this.options.onError(err);
      return;
    }
    if (this.stopped) return;
    const queued = this.dest.writableLength;
    if (queued > this.backpressure.maxQueuedBytes) this.backpressure.maxQueuedBytes = queued;
    // queue more than the stream's own highWaterMark (16 KiB): with three processes on
    // few cores, moving several chunks per wake-up means fewer context switches
    if (queued > this.maxQueuedBytes + this.borrowedBytes && !this.pausedAt && !this.borrowFor(queued)) {
      this.pausedAt = Date.now();
      this.backpressure.sourcePauses++;
      this.source!.pause();
    }
  };

  /** Reader mode: `bytes` more were read into slots[cur] at fill. false pauses the source. */
  private onRead(bytes: number): boolean {
    // once stopped, reads are dropped (into the scratch target)
    if (this.stopped) return true;
    this.options.stats.sourceBytesRead += bytes;
    // a read that finds the queue empty: one borrowed slot goes back (one per such read, so a
    // source whose bursts need them keeps them, and one the destination keeps up with returns them)
    if (this.borrowedSlots > 0 && this.dest.writableLength === 0) this.removeSlot((this.cur + 1) % this.slots.length);
    const slot = this.slots[this.cur]!;
    const end = this.fill + bytes;
    try {
      const rest = this.processChunk(slot.subarray(this.keep, end));
      if (rest < 0) return true;
      this.slotWrittenAt[this.cur] = this.queued;
      this.keep += rest;
      this.fill = end;
      const cut = end - this.keep;
      if (cut > this.slotBytes >>> 1 || cut > this.maxLineBytes) {
        // a long line: it goes on by itself (a copy: the slot will be reused)
        this.keepPartial(Buffer.from(slot.subarray(this.keep, end)), 0);
        this.keep = end;
        if (this.stopped) return true;
      }
      if (this.slotBytes - end < this.minRead) this.nextSlot();
    } catch (err) {
      this.stop();
      this.options.onError(err);
      return true;
    }
    this.target = this.slots[this.cur]!.subarray(this.fill);
    const queued = this.dest.writableLength;
    if (queued > this.backpressure.maxQueuedBytes) this.backpressure.maxQueuedBytes = queued;
    if (this.nextSlotReady()) return true;
    if (!this.pausedAt) {
      this.pausedAt = Date.now();
      this.backpressure.sourcePauses++;
    }
    this.source?.pause();
    return false;
  }

  private firstSlot(): Buffer {
    this.slots.push(Buffer.allocUnsafeSlow(this.slotBytes));
    this.slotWrittenAt.push(0);
    return this.slots[0]!;
  }

  /** Moves on to the next slot, taking the cut line (if any) to its start. */
  private nextSlot(): void {
    // never the case (the source is paused while the next slot is busy), but a fresh slot
    // is always a safe answer
    if (!this.nextSlotReady()) this.addSlot(false);
    const n = (this.cur + 1) % this.slots.length;
    const next = this.slots[n]!;
    this.slotWrittenAt[n] = 0;
    const cut = this.fill - this.keep;
    if (cut > 0) this.slots[this.cur]!.copy(next, 0, this.keep, this.fill);
    this.cur = n;
    this.keep = 0;
    this.fill = cut;
  }

  /** The slot after the current one is free, or one was added there. */
  private nextSlotReady(): boolean {
    const n = (this.cur + 1) % this.slots.length;
    return (n !== this.cur && this.slotFree(n)) || this.addSlot(true);
  }

  /** A new slot after the current one: one of the queue's own, or borrowed (false when neither is allowed). */
  private addSlot(withinLimits: boolean): boolean {
    if (withinLimits && this.slots.length >= this.ownSlots) {
      if (this.stopped || this.ended || this.slots.length >= this.maxSlots || !this.budget.take(this.slotBytes)) return false;
      this.borrowedSlots++;
    }
    this.slots.splice(this.cur + 1, 0, Buffer.allocUnsafeSlow(this.slotBytes));
    this.slotWrittenAt.splice(this.cur + 1, 0, 0);
    return true;
  }

  /** Drops free slot i (not the current one) and gives a borrowed slot's bytes back. */
  private removeSlot(i: number): void {
    if (i === this.cur || this.slots.length <= this.ownSlots || !this.slotFree(i)) return;
    this.slots.splice(i, 1);
    this.slotWrittenAt.splice(i, 1);
    if (i < this.cur) this.cur--;
    this.borrowedSlots--;
    this.budget.give(this.slotBytes);
  }

  /** 'data' mode: borrows until `queued` fits (false when the budget or maxBurstBytes says no). */
  private borrowFor(queued: number): boolean {
    while (this.maxQueuedBytes + this.borrowedBytes < queued) {
      if (this.maxQueuedBytes + this.borrowedBytes + this.slotBytes > this.maxBurstBytes || !this.budget.take(this.slotBytes)) return false;
      this.borrowedBytes += this.slotBytes;
    }
    return true;
  }

  /** What this queue borrowed goes back to the budget (at the end; reader mode's slots stop counting). */
  private giveBackBorrowed(): void {
    this.budget.give(this.borrowedBytes + this.borrowedSlots * this.slotBytes);
    this.borrowedBytes = 0;
    this.borrowedSlots = 0;
  }

  /** Nothing written from slot i is still waiting in the destination's stdin queue. */
  private slotFree(i: number): boolean {
    return this.queued - this.dest.writableLength >= this.slotWrittenAt[i]!;
  }

  /**
   * After each write reached the pipe: a paused source resumes once the queue is down to a
   * quarter, not empty ('drain'), so the source is not left blocked while the rest drains.
   */
  private readonly onWritten = (): void => {
    if (!this.viaReader && this.borrowedBytes > 0 && this.dest.writableLength <= this.maxQueuedBytes / 4) {
      // drained: what 'data' mode borrowed goes back
      this.budget.give(this.borrowedBytes);
      this.borrowedBytes = 0;
    }
    if (!this.pausedAt) return;
    if (this.viaReader ? !this.nextSlotReady() : this.dest.writableLength > this.maxQueuedBytes / 4) return;
    this.backpressure.pausedMs += Date.now() - this.pausedAt;
    this.pausedAt = 0;
    if (!this.stopped) this.source?.resume();
  };

  /** Writes a re-assembled line (if any) and a run of the chunk (if any), as one writev. */
  private write(line: Buffer | undefined, run: Buffer | undefined): void {
    const dest = this.dest;
    if (dest.writableEnded || dest.destroyed) return;
    this.queued += (line ? line.length : 0) + (run ? run.length : 0);
    if (line && run) {
      dest.cork();
      dest.write(line, this.onWritten);
      dest.write(run, this.onWritten);
      dest.uncork();
    } else if (line || run) {
      dest.write((line ?? run)!, this.onWritten);
    }
  }

  /**
   * Forwards/handles the complete lines of chunk. Returns where the line cut by its end
   * starts (chunk.length: none), -1 once stopped; a continued long line is kept by itself.
   */
  private processChunk(chunk: Buffer): number {
    if (this.rewriter) return this.processRenaming(chunk);
    const len = chunk.length;
    let pos = 0;
    // a line completed by this chunk, to go out before the chunk's first run
    let head: Buffer | undefined;

    if (this.partialBytes > 0) {
      const cutBytes = this.partialBytes;
      const line = this.completeCutLine(chunk);
      if (line === undefined) return this.stopped ? -1 : len;
      const action = this.assembledLine(line);
      if (action === STOP) return -1;
      if (action === FORWARD) head = line;
      else if (action !== SKIP) head = Buffer.concat([action, NEWLINE]);
      pos = line.length - cutBytes;
    }

    const peeker = this.peeker;
    const bucketRecords = this.bucketRecords;
    const bucketBytes = this.bucketBytes;
    const max = this.maxLineBytes;
    // the bytes [runStart, pos) are forwarded lines not yet written
    let runStart = pos;
    while (pos < len) {
      const nl = chunk.indexOf(LF, pos);
      if (nl === -1) break;
      let end = nl;
      if (end > pos && chunk[end - 1] === CR) end--;
      const lineBytes = end - pos;
      if (lineBytes > max) {
        this.write(head, pos > runStart ? chunk.subarray(runStart, pos) : undefined);
        this.tooLong(lineBytes);
        return -1;
      }
      const index = lineBytes > 0 ? peeker.peek(chunk, pos, end) : NOT_SURE;
      if (index !== NOT_SURE) {
        bucketRecords[index] = bucketRecords[index]! + 1;
        bucketBytes[index] = bucketBytes[index]! + lineBytes;
      } else {
        const action = lineBytes > 0 ? this.options.slowLine(chunk.subarray(pos, end)) : SKIP;
        if (action !== FORWARD) {
          this.write(head, pos > runStart ? chunk.subarray(runStart, pos) : undefined);
          head = undefined;
          runStart = nl + 1;
          if (action === STOP) {
            this.stop();
            this.options.onStopped();
            return -1;
          }
          if (action !== SKIP) this.write(action, NEWLINE);
        }
      }
      pos = nl + 1;
    }
    // usually the whole chunk but a cut line: a view of it, never a copy
    this.write(head, pos > runStart ? (runStart === 0 && pos === len ? chunk : chunk.subarray(runStart, pos)) : undefined);
    return pos;
  }

  /**
   * The line cut by an earlier chunk, completed by this one (LF included); undefined when the
   * chunk has no LF either: it joins the cut line, which is still not whole.
   */
  private completeCutLine(chunk: Buffer): Buffer | undefined {
    const nl = chunk.indexOf(LF);
    if (nl === -1) {
      this.keepPartial(chunk, 0);
      return undefined;
    }
    this.partial.push(chunk.subarray(0, nl + 1));
    const line = Buffer.concat(this.partial, this.partialBytes + nl + 1);
    this.partial = [];
    this.partialBytes = 0;
    return line;
  }

  /** A line put together from several chunks, LF included: counted, not written. */
  private assembledLine(line: Buffer): SlowLineAnswer {
    let end = line.length - 1;
    if (end > 0 && line[end - 1] === CR) end--;
    if (end > this.maxLineBytes) {
      this.tooLong(end);
      return STOP;
    }
    if (end === 0) return SKIP;
    const index = this.peeker.peek(line, 0, end);
    if (index !== NOT_SURE) {
      this.bucketRecords[index] = this.bucketRecords[index]! + 1;
      this.bucketBytes[index] = this.bucketBytes[index]! + end;
      return FORWARD;
    }
    const action = this.options.slowLine(line.subarray(0, end));
    if (action === STOP) {
      this.stop();
      this.options.onStopped();
    }
    return action;
  }

  /** processChunk when renaming or trimming: every forwarded byte goes through the stage. */
  private processRenaming(chunk: Buffer): number {
    const len = chunk.length;
    let pos = 0;
    if (this.partialBytes > 0) {
      const cutBytes = this.partialBytes;
      const line = this.completeCutLine(chunk);
      if (line === undefined) return this.stopped ? -1 : len;
      if (this.renameLine(line, 0, line.length - 1) === STOP) return -1;
      pos = line.length - cutBytes;
    }
    while (pos < len) {
      const nl = chunk.indexOf(LF, pos);
      if (nl === -1) break;
      if (this.renameLine(chunk, pos, nl) === STOP) return -1;
      pos = nl + 1;
    }
    this.flushStage();
    return pos;
  }

  /** The line buf[pos, nl) and its LF at nl, staged: as it is, renamed and/or trimmed, replaced or not at all. */
  private renameLine(buf: Buffer, pos: number, nl: number): LineAction {
    let end = nl;
    if (end > pos && buf[end - 1] === CR) end--;
    const lineBytes = end - pos;
    if (lineBytes > this.maxLineBytes) {
      this.flushStage();
      this.tooLong(lineBytes);
      return STOP;
    }
    if (lineBytes === 0) return SKIP;
    const rewriter = this.rewriter!;
    const index = rewriter.peek(buf, pos, end);
    if (index !== NOT_SURE) {
      this.bucketRecords[index] = this.bucketRecords[index]! + 1;
      // a trimmed record counts what is sent on (see StreamStats.bytesEmitted)
      this.bucketBytes[index] = this.bucketBytes[index]! + (rewriter.trimmed ? rewriter.sentBytes() : lineBytes);
      const head = rewriter.head;
      if (head !== undefined) this.stage(head, 0, head.length);
      const { bounds, count } = rewriter.pieces;
      const last = 2 * count - 2;
      for (let k = 0; k < last; k += 2) this.stage(buf, bounds[k]!, bounds[k + 1]!);
      // the last piece ends where the line does: its terminator goes with it
      this.stage(buf, bounds[last]!, nl + 1);
      return FORWARD;
    }
    const action = this.options.slowLine(buf.subarray(pos, end));
    if (action === FORWARD) {
      this.stage(buf, pos, nl + 1);
    } else if (action === STOP) {
      this.flushStage();
      this.stop();
      this.options.onStopped();
      return STOP;
    } else if (action !== SKIP) {
      this.stage(action, 0, action.length);
      this.stage(NEWLINE, 0, 1);
    }
    return FORWARD;
  }

  /** Copies src[from, to) to the output; a piece too big for a block is written as it is. */
  private stage(src: Buffer, from: number, to: number): void {
    const n = to - from;
    if (this.stageFill + n > this.stageBlock.length) {
      this.flushStage();
      if (n > this.stageBytes >>> 2) {
        this.write(undefined, src.subarray(from, to));
        return;
      }
      this.stageBlock = this.nextBlock();
      this.stageStart = this.stageFill = 0;
    }
    src.copy(this.stageBlock, this.stageFill, from, to);
    this.stageFill += n;
  }

  /** Retires the current block; the oldest one comes back once its bytes are out of the queue. */
  private nextBlock(): Buffer {
    if (this.stageBlock.length > 0) this.usedBlocks.push({ block: this.stageBlock, writtenAt: this.queued });
    const oldest = this.usedBlocks[0];
    if (oldest && this.queued - this.dest.writableLength >= oldest.writtenAt) {
      this.usedBlocks.shift();
      return oldest.block;
    }
    return Buffer.allocUnsafeSlow(this.stageBytes);
  }

  /** Writes what was staged since the last flush, as a view of the block. */
  private flushStage(): void {
    if (this.stageFill === this.stageStart) return;
    this.write(undefined, this.stageBlock.subarray(this.stageStart, this.stageFill));
    this.stageStart = this.stageFill;
  }

  private keepPartial(chunk: Buffer, from: number): void {
    // chunks are never reused by the stream, so a view is safe to keep; slots are reused
    const piece = from === 0 ? chunk : chunk.subarray(from);
    this.partial.push(this.viaReader && piece.buffer === this.slots[this.cur]?.buffer ? Buffer.from(piece) : piece);
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
    try {
      this.finishInput();
    } catch (err) {
      this.stop();
      this.options.onError(err);
    }
  };

  private finishInput(): void {
    if (!this.stopped && this.viaReader && this.fill > this.keep) {
      this.keepPartial(Buffer.from(this.slots[this.cur]!.subarray(this.keep, this.fill)), 0);
      this.keep = this.fill;
    }
    if (!this.stopped && this.partialBytes > 0) {
      // a last line without a newline: forward it with one (if it is whole: see peek's guard)
      const line = Buffer.concat([...this.partial, NEWLINE], this.partialBytes + 1);
      this.partial = [];
      this.partialBytes = 0;
      if (this.rewriter) {
        if (this.renameLine(line, 0, line.length - 1) !== STOP) this.flushStage();
      } else {
        const action = this.assembledLine(line);
        if (action === FORWARD) this.write(line, undefined);
        else if (action !== SKIP && action !== STOP) this.write(action, NEWLINE);
      }
    }
    this.giveBackBorrowed();
    if (this.stopped) return;
    this.options.onEnd();
  }
}
