/**
 * The write side both log adapters share: lines are buffered in memory and handed to the
 * adapter in batches, in order, one batch at a time (a file append locally, a new part
 * object on S3). write() never waits; if storage falls behind by more than maxBufferedBytes,
 * entries are dropped and a warning saying how many goes into the log instead.
 */
import type { LogEntry } from '@tributary/domain';
import { toLogLine } from './log-lines.js';
import type { LogAppender } from './log-storage.js';

export interface BatchingOptions {
  /** hand the buffer over once it holds this many bytes */
  flushBytes: number;
  /** ...and at least this often, so a running attempt's log can be read live */
  flushIntervalMs: number;
  /** bytes waiting for storage before new entries are dropped (and counted) */
  maxBufferedBytes: number;
}

export interface BatchSink {
  /** stores one batch of whole lines after the previous ones */
  write(batch: Buffer): Promise<void>;
  /** after the last batch (or a failure): make it durable, release what is held */
  finish(failed: boolean): Promise<void>;
}

export class BatchingAppender implements LogAppender {
  private pending: string[] = [];
  private pendingBytes = 0;
  /** pending plus handed to storage but not yet written */
  private queuedBytes = 0;
  private dropped = 0;
  private writes: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly sink: BatchSink,
    private readonly options: BatchingOptions,
  ) {}

  write(entry: LogEntry): void {
    if (this.closing) return;
    const line = toLogLine(entry);
    const bytes = Buffer.byteLength(line);
    if (this.queuedBytes + bytes > this.options.maxBufferedBytes) {
      this.dropped += 1;
      return;
    }
    this.pending.push(line);
    this.pendingBytes += bytes;
    this.queuedBytes += bytes;
    if (this.pendingBytes >= this.options.flushBytes) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.flushIntervalMs).unref();
  }

  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.sink.finish(this.failure !== undefined);
    }
    if (this.failure) throw this.failure;
  }

  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dropped > 0) {
      const message = `${this.dropped} log lines dropped: the log storage could not keep up`;
      const line = toLogLine({ timestamp: Date.now(), level: 'warn', origin: 'platform', message });
      this.pending.push(line);
      this.queuedBytes += Buffer.byteLength(line);
      this.dropped = 0;
    }
    if (this.pending.length === 0) return this.writes;
    const data = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingBytes = 0;
    this.writes = this.writes.then(async () => {
      try {
        // the first failure sticks: close() reports it, and later lines are not written out of order
        if (!this.failure) await this.sink.write(data);
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      } finally {
        this.queuedBytes -= data.length;
      }
    });
    return this.writes;
  }
}
