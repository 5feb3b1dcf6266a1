/**
 * Buffered JSON-lines output with backpressure, for connectors written in TypeScript.
 * Lines are batched into large writes: one `stdout.write` per line is far too slow at
 * hundreds of thousands of records per second.
 */
import type { Writable } from 'node:stream';
import type {
  AirbyteLogMessage,
  AirbyteMessage,
  AirbyteStateMessage,
  FailureType,
  LogLevel,
  StreamDescriptor,
} from './messages.js';

const DEFAULT_BATCH_BYTES = 64 * 1024;

export class MessageWriter {
  private batch = '';
  private drainWaiter: Promise<void> | undefined;

  constructor(
    private readonly out: Writable = process.stdout,
    private readonly batchBytes = DEFAULT_BATCH_BYTES,
  ) {}

  /**
   * Appends one serialized message (without newline). Returns a promise only when the
   * consumer is slower than us; await it before writing more.
   */
  line(json: string): Promise<void> | undefined {
    this.batch += json + '\n';
    if (this.batch.length < this.batchBytes) return undefined;
    return this.flush();
  }

  emit(message: AirbyteMessage): Promise<void> | undefined {
    return this.line(JSON.stringify(message));
  }

  record(
    stream: string,
    data: Record<string, unknown>,
    namespace?: string,
    emittedAt = Date.now(),
  ): Promise<void> | undefined {
    const record = namespace === undefined ? { stream, data, emitted_at: emittedAt } : { namespace, stream, data, emitted_at: emittedAt };
    return this.line(JSON.stringify({ type: 'RECORD', record }));
  }

  state(state: AirbyteStateMessage): Promise<void> | undefined {
    return this.emit({ type: 'STATE', state });
  }

  log(level: LogLevel, message: string, stackTrace?: string): Promise<void> | undefined {
    const log: AirbyteLogMessage = stackTrace ? { level, message, stack_trace: stackTrace } : { level, message };
    return this.emit({ type: 'LOG', log });
  }

  traceError(message: string, failureType: FailureType, details: { internalMessage?: string; stackTrace?: string; stream?: StreamDescriptor } = {}): Promise<void> | undefined {
    return this.emit({
      type: 'TRACE',
      trace: {
        type: 'ERROR',
        emitted_at: Date.now(),
        error: {
          message,
          failure_type: failureType,
          ...(details.internalMessage ? { internal_message: details.internalMessage } : {}),
          ...(details.stackTrace ? { stack_trace: details.stackTrace } : {}),
          ...(details.stream ? { stream_descriptor: details.stream } : {}),
        },
      },
    });
  }

  streamStatus(stream: StreamDescriptor, status: 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE'): Promise<void> | undefined {
    return this.emit({
      type: 'TRACE',
      trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: stream, status } },
    });
  }

  /** Writes out whatever is batched; resolves once the consumer has room again. */
  flush(): Promise<void> {
    if (this.batch.length > 0) {
      const ok = this.out.write(this.batch);
      this.batch = '';
      if (!ok && !this.drainWaiter) {
        this.drainWaiter = new Promise<void>((resolve) => {
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
    return this.drainWaiter ?? Promise.resolve();
  }

  /** Flushes and waits until everything written has been handed to the OS. */
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve) => {
      if (this.out.writableLength === 0) return resolve();
      this.out.write('', () => resolve());
    });
  }
}
