/**
 * Streaming JSON-lines framing for connector output: lines may be split across chunks,
 * end in LF or CRLF, and are capped in size so one runaway line cannot exhaust memory.
 */

/** Default cap on one line: the largest message the platform accepts from a connector. */
export const DEFAULT_MAX_LINE_BYTES = 100 * 1024 * 1024;

export class LineTooLongError extends Error {
  constructor(
    readonly limitBytes: number,
    readonly seenBytes: number,
  ) {
    super(`line exceeds the ${limitBytes} byte limit (at least ${seenBytes} bytes without a newline)`);
    this.name = 'LineTooLongError';
  }
}

export interface LineSplitterOptions {
  maxLineBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Calls `onLine` for every complete, non-empty line (without its terminator).
 * The Buffer passed to `onLine` may be a view into the pushed chunk: copy it if kept.
 * `push` throws LineTooLongError when a line grows past the cap.
 */
export class LineSplitter {
  private readonly maxLineBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly onLine: (line: Buffer) => void,
    options: LineSplitterOptions = {},
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl === -1) break;
      if (this.pendingBytes > 0) {
        this.pending.push(chunk.subarray(start, nl));
        const total = this.pendingBytes + (nl - start);
        const line = Buffer.concat(this.pending, total);
        this.pending = [];
        this.pendingBytes = 0;
        this.emit(line, 0, line.length);
      } else {
        this.emit(chunk, start, nl);
      }
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > this.maxLineBytes) {
        const seen = this.pendingBytes;
        this.pending = [];
        this.pendingBytes = 0;
        throw new LineTooLongError(this.maxLineBytes, seen);
      }
      // copy: the caller may reuse the chunk's memory
      this.pending.push(Buffer.from(chunk.subarray(start)));
    }
  }

  /** Flushes a final line that had no trailing newline. */
  end(): void {
    if (this.pendingBytes === 0) return;
    const line = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.emit(line, 0, line.length);
  }

  private emit(buf: Buffer, start: number, end: number): void {
    if (end > start && buf[end - 1] === CR) end--;
    if (end - start > this.maxLineBytes) throw new LineTooLongError(this.maxLineBytes, end - start);
    if (end > start) this.onLine(buf.subarray(start, end));
  }
}

/** Async-iterates the lines of a byte stream (convenient, not the fastest path). */
export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  options: LineSplitterOptions = {},
): AsyncGenerator<Buffer> {
  let batch: Buffer[] = [];
  const splitter = new LineSplitter((line) => batch.push(Buffer.from(line)), options);
  for await (const chunk of input) {
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (batch.length > 0) {
      const lines = batch;
      batch = [];
      yield* lines;
    }
  }
  splitter.end();
  yield* batch;
}
