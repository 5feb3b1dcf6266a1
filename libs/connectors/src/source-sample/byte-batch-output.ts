/**
 * Batched binary output to stdout: records are written as bytes into a large buffer
 * that goes out in one write once it holds `batchBytes`, waiting when the consumer
 * is slower than us. The MessageWriter of the protocol SDK takes strings, which would
 * cost an extra encode of every byte at these rates.
 */
import type { Writable } from 'node:stream';
import { AsciiBuilder, PIECE_SLACK_BYTES } from './ascii-builder.js';

export const DEFAULT_BATCH_BYTES = 512 * 1024;

export class ByteBatchOutput {
  readonly builder: AsciiBuilder;
  private drainWaiter: Promise<void> | undefined;

  /**
   * @param reserveBytes the most one write between flushes may add; every buffer has
   *   `batchBytes + reserveBytes` of room, so a write that starts below the threshold fits
   */
  constructor(
    private readonly out: Writable,
    private readonly batchBytes = DEFAULT_BATCH_BYTES,
    private readonly reserveBytes = 64 * 1024,
  ) {
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
      this.out.write(json + '\n');
      return wait;
    }
    this.builder.utf8(json);
    this.builder.byte(0x0a);
    return wait ?? (this.full ? this.flush() : undefined);
  }

  /**
   * Hands the buffered bytes to the stream and starts a fresh buffer (the stream may
   * hold on to the old one until written). Resolves once the consumer has room again.
   */
  flush(): Promise<void> {
    const builder = this.builder;
    if (builder.pos > 0) {
      const ok = this.out.write(builder.buf.subarray(0, builder.pos));
      builder.reset(this.newBuffer());
      if (!ok && !this.drainWaiter) this.drainWaiter = this.waitForDrain();
    }
    return this.drainWaiter ?? Promise.resolve();
  }

  private newBuffer(): Buffer {
    return Buffer.allocUnsafe(this.batchBytes + this.reserveBytes + PIECE_SLACK_BYTES);
  }

  private waitForDrain(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        this.out.off('error', done);
        this.drainWaiter = undefined;
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
      this.out.on('error', done);
    });
  }
}
