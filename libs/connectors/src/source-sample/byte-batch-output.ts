/**
 * Batched binary output to stdout. Records are written as bytes into a buffer that
 * goes out in one write once it holds `batchBytes`.
 *
 * Keeping a pipe busy needs two things Writable's 'drain' does not give:
 * - a window of writes in flight: stdout's high-water mark is 16 KiB, so every batch
 *   would "need drain", and drain fires only once the queue is empty: the reader then
 *   idles while we build the next batch, and we idle while it reads;
 * - turns of the event loop: libuv moves queued bytes into the pipe (64 KiB) only when
 *   the loop runs, so a source that generates for milliseconds at a time leaves the
 *   reader starved. After each batch that could not be written at once we yield a turn.
 * With both, `source | destination` overlaps instead of taking the sum of both times.
 * Memory stays bounded at (maxInFlight + 1) buffers, reused once written: fresh
 * buffers cost page faults and major GCs (~10% of the source's time).
 *
 * (The protocol SDK's MessageWriter, which takes strings, would also cost an extra
 * encode of every byte at these rates.)
 */
import type { Writable } from 'node:stream';
import { AsciiBuilder, PIECE_SLACK_BYTES } from './ascii-builder.js';

// one pipe's worth per write; 16 of them queued at most
export const DEFAULT_BATCH_BYTES = 64 * 1024;
export const DEFAULT_MAX_IN_FLIGHT = 16;

export interface ByteBatchOutputOptions {
  batchBytes?: number;
  /** the most one write between flushes may add; buffers have batchBytes + reserveBytes of room */
  reserveBytes?: number;
  /** batches handed to the stream but not yet written out before flush() waits */
  maxInFlight?: number;
}

export class ByteBatchOutput {
  readonly builder: AsciiBuilder;
  private readonly batchBytes: number;
  private readonly reserveBytes: number;
  private readonly maxInFlight: number;
  private inFlight = 0;
  private readonly spareBuffers: Buffer[] = [];
  private wakeWriter: (() => void) | undefined;
  private failed = false;

  constructor(
    private readonly out: Writable,
    options: ByteBatchOutputOptions = {},
  ) {
    this.batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
    this.reserveBytes = options.reserveBytes ?? 8 * 1024;
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.builder = new AsciiBuilder(this.newBuffer());
  }

  /** true once the buffer holds a batch: call flush() then */
  get full(): boolean {
    return this.builder.pos >= this.batchBytes;
  }

  /** appends one message line (off the hot path: states, traces) */
  message(json: string): Promise<void> | undefined {
    const bytes = Buffer.byteLength(json, 'utf8') + 1;
    let wait: Promise<void> | undefined;
    if (this.builder.pos + bytes > this.batchBytes + this.reserveBytes) wait = this.flush();
    if (bytes > this.batchBytes + this.reserveBytes) {
      // a huge message (long stream names?) goes out on its own
      const huge = Buffer.from(json + '\n', 'utf8');
      this.writeOut(huge, huge.length);
      return wait;
    }
    this.builder.utf8(json);
    this.builder.byte(0x0a);
    return wait ?? (this.full ? this.flush() : undefined);
  }

  /**
   * Hands the buffered bytes to the stream and continues in a fresh buffer (the stream
   * holds on to the old one until written). Resolves when the oldest write is done if
   * maxInFlight are pending, after one event-loop turn if bytes are still queued, else at once.
   */
  flush(): Promise<void> {
    const builder = this.builder;
    if (builder.pos > 0) {
      this.writeOut(builder.buf, builder.pos);
      builder.reset(this.newBuffer());
    }
    if (this.failed) return Promise.resolve();
    if (this.inFlight >= this.maxInFlight) {
      return new Promise<void>((resolve) => {
        this.wakeWriter = resolve;
      });
    }
    if (this.out.writableLength > 0) return new Promise<void>((resolve) => setImmediate(resolve));
    return Promise.resolve();
  }

  private writeOut(buffer: Buffer, length: number): void {
    this.inFlight++;
    this.out.write(buffer.subarray(0, length), (err) => {
      this.inFlight--;
      // written out: the memory can take the next batch
      if (!err && buffer.length === this.bufferBytes) this.spareBuffers.push(buffer);
      // a broken pipe must not leave the loop waiting forever; the SDK exits on EPIPE
      if (err) this.failed = true;
      if (this.wakeWriter && (this.inFlight < this.maxInFlight || this.failed)) {
        const wake = this.wakeWriter;
        this.wakeWriter = undefined;
        wake();
      }
    });
  }

  private get bufferBytes(): number {
    return this.batchBytes + this.reserveBytes + PIECE_SLACK_BYTES;
  }

  private newBuffer(): Buffer {
    return this.spareBuffers.pop() ?? Buffer.allocUnsafe(this.bufferBytes);
  }
}
