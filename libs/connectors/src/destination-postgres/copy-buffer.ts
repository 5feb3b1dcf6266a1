/**
 * Rows in COPY's binary format, as bytes outside the JS heap: each row is a field count,
 * then each field as its byte length (-1 for NULL) and its bytes in the type's binary
 * form. The server then parses no text at all: measured, that halves its work per row
 * against text COPY. Appending each row to a big JS string instead would keep megabytes
 * of string fragments alive until the flush, for the garbage collector to copy around.
 * COPY data is a plain byte stream: rows may straddle chunk boundaries.
 */
const CHUNK_BYTES = 1024 * 1024;
const TWO_32 = 2 ** 32;
/** up to this many UTF-16 units, text is tried as ASCII in JS first */
const SHORT_TEXT = 64;

/** What starts binary COPY data: signature, flags, header extension length. */
export const BINARY_COPY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
/** What ends it: a field count of -1. */
export const BINARY_COPY_TRAILER = Buffer.from([0xff, 0xff]);

export class CopyBuffer {
  private chunks: Buffer[] = [];
  // allocated on first use: a stream that receives nothing costs nothing
  private current: Buffer = Buffer.alloc(0);
  private position = 0;
  private taken = 0;

  /** bytes appended since the last take() */
  get bytes(): number {
    return this.taken + this.position;
  }

  /** Starts a row of `fields` fields. */
  row(fields: number): void {
    this.reserve(2);
    this.current.writeInt16BE(fields, this.position);
    this.position += 2;
  }

  null(): void {
    this.reserve(4);
    this.current.writeInt32BE(-1, this.position);
    this.position += 4;
  }

  /** A field of UTF-8 text; `prefix` bytes (jsonb's version) go before it. */
  text(text: string, prefix?: number): void {
    // a UTF-16 code unit never needs more than 3 bytes of UTF-8
    this.reserve(5 + text.length * 3);
    const start = this.position;
    let at = start + 4;
    if (prefix !== undefined) this.current[at++] = prefix;
    const ascii = text.length <= SHORT_TEXT ? this.writeAscii(text, at) : -1;
    at = ascii >= 0 ? ascii : at + this.current.write(text, at, 'utf8');
    this.current.writeInt32BE(at - start - 4, start);
    this.position = at;
  }

  /** Short ASCII text, byte by byte (cheaper than the native call); -1, with nothing kept, at a non-ASCII character. */
  private writeAscii(text: string, at: number): number {
    const buffer = this.current;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) return -1;
      buffer[at++] = code;
    }
    return at;
  }

  /** A field of raw bytes: `source` from `start` to `end`. */
  bytesField(source: Buffer, start = 0, end = source.length): void {
    const length = end - start;
    this.reserve(4 + length);
    this.current.writeInt32BE(length, this.position);
    source.copy(this.current, this.position + 4, start, end);
    this.position += 4 + length;
  }

  boolean(value: boolean): void {
    this.reserve(5);
    this.current.writeInt32BE(1, this.position);
    this.current[this.position + 4] = value ? 1 : 0;
    this.position += 5;
  }

  int32(value: number): void {
    this.reserve(8);
    this.current.writeInt32BE(4, this.position);
    this.current.writeInt32BE(value, this.position + 4);
    this.position += 8;
  }

  /** An 8-byte integer field: a safe integer as a number, anything larger as a bigint. */
  int64(value: number | bigint): void {
    this.reserve(12);
    this.current.writeInt32BE(8, this.position);
    if (typeof value === 'bigint') this.current.writeBigInt64BE(value, this.position + 4);
    else {
      const high = Math.floor(value / TWO_32);
      this.current.writeInt32BE(high, this.position + 4);
      this.current.writeUInt32BE(value - high * TWO_32, this.position + 8);
    }
    this.position += 12;
  }

  float64(value: number): void {
    this.reserve(12);
    this.current.writeInt32BE(8, this.position);
    this.current.writeDoubleBE(value, this.position + 4);
    this.position += 12;
  }

  /** An int64 then an int32 (timetz: microseconds and zone). */
  int64int32(value: number, extra: number): void {
    this.reserve(16);
    this.current.writeInt32BE(12, this.position);
    const high = Math.floor(value / TWO_32);
    this.current.writeInt32BE(high, this.position + 4);
    this.current.writeUInt32BE(value - high * TWO_32, this.position + 8);
    this.current.writeInt32BE(extra, this.position + 12);
    this.position += 16;
  }

  /** Int16 words (numeric's header and digits). */
  int16s(words: readonly number[]): void {
    this.reserve(4 + words.length * 2);
    this.current.writeInt32BE(words.length * 2, this.position);
    let at = this.position + 4;
    for (const word of words) {
      this.current.writeInt16BE(word, at);
      at += 2;
    }
    this.position = at;
  }

  /** The buffered bytes; the buffer starts empty again. */
  take(): Buffer[] {
    if (this.position > 0) this.chunks.push(this.current.subarray(0, this.position));
    const chunks = this.chunks;
    this.chunks = [];
    this.current = Buffer.alloc(0);
    this.position = 0;
    this.taken = 0;
    return chunks;
  }

  private reserve(bytes: number): void {
    if (this.current.length - this.position >= bytes) return;
    if (this.position > 0) this.chunks.push(this.current.subarray(0, this.position));
    this.taken += this.position;
    this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.position = 0;
  }
}
