/**
 * Batched binary output to stdout. Records are written as bytes into a large buffer
 * that goes out in one write once it holds `batchBytes`.
 *
 * Backpressure is a window of writes in flight rather than Writable's 'drain': stdout's
 * high-water mark is 16 KiB, so every batch would "need drain", and drain only fires
 * once the queue is empty - the reader then idles while we build the next batch and we
 * idle while it reads (source | dev-null ran at the *sum* of both times). With a few
 * batches queued the two processes overlap, and memory stays bounded at
 * (maxInFlight + 1) batches.
 *
 * (The protocol SDK's MessageWriter, which takes strings, would also cost an extra
 * encode of every byte at these rates.)
 */
import type { Writable } from 'node:stream';
import { AsciiBuilder, PIECE_SLACK_BYTES } from './ascii-builder.js';

export const DEFAULT_BATCH_BYTES = 512 * 1024;
export const DEFAULT_MAX_IN_FLIGHT = 4;

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
  private wakeWriter: (() => void) | undefined;
  private failed = false;

  constructor(
    private readonly out: Writable,
    options: ByteBatchOutputOptions = {},
  ) {
    this.batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
    this.reserveBytes = options.reserveBytes ?? 64 * 1024;
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
      this.writeOut(Buffer.from(json + '\n', 'utf8'));
      return wait;
    }
    this.builder.utf8(json);
    this.builder.byte(0x0a);
    return wait ?? (this.full ? this.flush() : undefined);
  }

  /**
   * Hands the buffered bytes to the stream and continues in a fresh buffer (the stream
   * holds on to the old one until written). Resolves at once while fewer than
   * maxInFlight batches are queued, else when the oldest has been written.
   */
  flush(): Promise<void> {
    const builder = this.builder;
    if (builder.pos > 0) {
      this.writeOut(builder.buf.subarray(0, builder.pos));
      builder.reset(this.newBuffer());
    }
    if (this.inFlight < this.maxInFlight || this.failed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wakeWriter = resolve;
    });
  }

  private writeOut(chunk: Buffer): void {
    this.inFlight++;
    this.out.write(chunk, (err) => {
      this.inFlight--;
      // a broken pipe must not leave the loop waiting forever; the SDK exits on EPIPE
      if (err) this.failed = true;
      if (this.wakeWriter && (this.inFlight < this.maxInFlight || this.failed)) {
        const wake = this.wakeWriter;
        this.wakeWriter = undefined;
        wake();
      }
    });
  }

  private newBuffer(): Buffer {
    return Buffer.allocUnsafe(this.batchBytes + this.reserveBytes + PIECE_SLACK_BYTES);
  }
}
