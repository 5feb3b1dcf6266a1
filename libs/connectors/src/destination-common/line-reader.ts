/**
 * Splits a destination's stdin into lines without allocating per line: `onLine` gets
 * the chunk and the line's bounds. Only a line that spans chunks is copied. A line
 * longer than the cap is skipped (reported through `onOversizedLine`) rather than
 * buffered without bound: one bad line must not take the destination down.
 */
import { DEFAULT_MAX_LINE_BYTES } from '@tributary/protocol';

const LF = 0x0a;
const CR = 0x0d;

export type LineHandler = (buf: Buffer, start: number, end: number) => void;

export interface LineReaderOptions {
  maxLineBytes?: number;
  /** called once per skipped line with the bytes seen so far */
  onOversizedLine?: (seenBytes: number) => void;
}

export class LineReader {
  private readonly maxLineBytes: number;
  private readonly onOversizedLine: (seenBytes: number) => void;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** inside an oversized line: drop bytes until its newline */
  private skipping = false;

  constructor(
    private readonly onLine: LineHandler,
    options: LineReaderOptions = {},
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.onOversizedLine = options.onOversizedLine ?? (() => undefined);
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.skipping || this.pendingBytes > 0) {
      const nl = chunk.indexOf(LF);
      if (nl === -1) {
        this.keepPartial(chunk, 0);
        return;
      }
      if (this.skipping) {
        this.skipping = false;
      } else if (this.pendingBytes + nl > this.maxLineBytes) {
        this.onOversizedLine(this.pendingBytes + nl);
        this.pending = [];
        this.pendingBytes = 0;
      } else {
        this.pending.push(chunk.subarray(0, nl));
        const line = Buffer.concat(this.pending, this.pendingBytes + nl);
        this.pending = [];
        this.pendingBytes = 0;
        this.emit(line, 0, line.length);
      }
      start = nl + 1;
    }
    const onLine = this.onLine;
    const max = this.maxLineBytes;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl === -1) break;
      let end = nl;
      if (end > start && chunk[end - 1] === CR) end--;
      if (end > start) {
        if (end - start > max) this.onOversizedLine(end - start);
        else onLine(chunk, start, end);
      }
      start = nl + 1;
    }
    if (start < chunk.length) this.keepPartial(chunk, start);
  }

  /** the final line, if the input did not end with a newline */
  end(): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    if (this.pendingBytes === 0) return;
    const line = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.emit(line, 0, line.length);
  }

  private keepPartial(chunk: Buffer, start: number): void {
    if (this.skipping) return;
    this.pendingBytes += chunk.length - start;
    if (this.pendingBytes > this.maxLineBytes) {
      this.onOversizedLine(this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.skipping = true;
      return;
    }
    // copy: the stream may reuse the chunk's memory
    this.pending.push(Buffer.from(chunk.subarray(start)));
  }

  private emit(buf: Buffer, start: number, end: number): void {
    if (end > start && buf[end - 1] === CR) end--;
    if (end > start) this.onLine(buf, start, end);
  }
}
