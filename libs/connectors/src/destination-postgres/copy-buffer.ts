/**
 * Rows in COPY's binary format, as bytes outside the JS heap: each row is a field count,
 * then each field as its byte length (-1 for NULL) and its bytes in the type's binary
 * form. The server then parses no text at all: measured, that halves its work per row
 * against text COPY. Appending each row to a big JS string instead would keep megabytes
 * of string fragments alive until the flush, for the garbage collector to copy around.
 * COPY data is a plain byte stream: rows may straddle chunk boundaries.
 */
const CHUNK_BYTES = 1024 * 1024;
/**
 * Chunks whose rows were loaded, kept for reuse (at most MAX_SPARE_CHUNKS): a fresh chunk is
 * memory outside the JS heap, and enough of it makes V8 run a full collection (measured: 30
 * of them, 0.3 s, in a 260 MB load).
 */
const spareChunks: Buffer[] = [];
const MAX_SPARE_CHUNKS = 48;
const TWO_32 = 2 ** 32;
/** up to this many UTF-16 units, text is tried as ASCII in JS first */
const SHORT_TEXT = 64;
/** up to this many bytes, a field is copied byte by byte: Buffer.copy costs a view per call in Node 20 */
const SHORT_BYTES = 256;

/** What starts binary COPY data: signature, flags, header extension length. */
export const BINARY_COPY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
/** What ends it: a field count of -1. */
export const BINARY_COPY_TRAILER = Buffer.from([0xff, 0xff]);

/** Big-endian stores by hand: Buffer's write*BE methods check their arguments on every call. */
function put32(buf: Buffer, at: number, value: number): void {
  buf[at] = value >>> 24;
  buf[at + 1] = value >>> 16;
  buf[at + 2] = value >>> 8;
  buf[at + 3] = value;
}

function put16(buf: Buffer, at: number, value: number): void {
  buf[at] = value >>> 8;
  buf[at + 1] = value;
}

/** A safe integer as 8 bytes, two's complement. */
function put64(buf: Buffer, at: number, value: number): void {
  const high = Math.floor(value / TWO_32);
  put32(buf, at, high | 0);
  put32(buf, at + 4, (value - high * TWO_32) >>> 0);
}

export class CopyBuffer {
  private chunks: Buffer[] = [];
  // allocated on first use: a stream that receives nothing costs nothing
  private current: Buffer = Buffer.alloc(0);
  private position = 0;
  private taken = 0;
  /** where the untaken bytes of `current` begin (takeUpTo may leave some of it behind) */
  private start = 0;
  private markChunks = 0;
  private markPosition = 0;
  private markTaken = 0;
  private markStart = 0;
  /** where the last row's field count is (setRowFields) */
  private rowBuffer: Buffer = this.current;
  private rowAt = 0;
  /** for each chunk's memory, how many pieces of it were handed out (take, takeUpTo) and not yet recycled */
  private readonly handedOut = new Map<ArrayBufferLike, number>();

  /** bytes appended and not yet taken */
  get bytes(): number {
    return this.taken + this.position - this.start;
  }

  /** Starts a row of `fields` fields. */
  row(fields: number): void {
    this.reserve(2);
    this.rowBuffer = this.current;
    this.rowAt = this.position;
    put16(this.current, this.position, fields);
    this.position += 2;
  }

  /** Sets the field count of the row started last, before it is taken (it had fewer fields than announced). */
  setRowFields(fields: number): void {
    put16(this.rowBuffer, this.rowAt, fields);
  }

  null(): void {
    this.reserve(4);
    put32(this.current, this.position, -1);
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
    put32(this.current, start, at - start - 4);
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

  /** A field of raw bytes: `source` from `start` to `end`, after a `prefix` byte if given (jsonb's version). */
  bytesField(source: Buffer, start = 0, end = source.length, prefix?: number): void {
    const length = end - start + (prefix === undefined ? 0 : 1);
    this.reserve(4 + length);
    put32(this.current, this.position, length);
    let at = this.position + 4;
    if (prefix !== undefined) this.current[at++] = prefix;
    // short copies byte by byte: cheaper than the native call
    if (end - start <= SHORT_BYTES) for (let i = start; i < end; i++) this.current[at++] = source[i]!;
    else source.copy(this.current, at, start, end);
    this.position += 4 + length;
  }

  /** Bytes as they are (already encoded fields). */
  raw(source: Buffer): void {
    this.reserve(source.length);
    for (let i = 0; i < source.length; i++) this.current[this.position + i] = source[i]!;
    this.position += source.length;
  }

  /** Notes where the next byte goes: rewind() drops what was appended since (one mark at a time). */
  mark(): void {
    this.markChunks = this.chunks.length;
    this.markPosition = this.position;
    this.markStart = this.start;
    this.markTaken = this.taken;
  }

  rewind(): void {
    if (this.chunks.length === this.markChunks) {
      this.position = this.markPosition;
      return;
    }
    // a new chunk was started since: the marked one ends at the mark, the new one starts empty
    const marked = this.chunks[this.markChunks]!;
    const kept = this.markPosition - this.markStart;
    this.chunks.length = this.markChunks;
    if (kept > 0) this.chunks.push(marked.subarray(0, kept));
    this.taken = this.markTaken + kept;
    this.position = 0;
    this.start = 0;
  }

  boolean(value: boolean): void {
    this.reserve(5);
    put32(this.current, this.position, 1);
    this.current[this.position + 4] = value ? 1 : 0;
    this.position += 5;
  }

  int32(value: number): void {
    this.reserve(8);
    put32(this.current, this.position, 4);
    put32(this.current, this.position + 4, value);
    this.position += 8;
  }

  /** An 8-byte integer field: a safe integer as a number, anything larger as a bigint. */
  int64(value: number | bigint): void {
    this.reserve(12);
    put32(this.current, this.position, 8);
    if (typeof value === 'bigint') this.current.writeBigInt64BE(value, this.position + 4);
    else put64(this.current, this.position + 4, value);
    this.position += 12;
  }

  float64(value: number): void {
    this.reserve(12);
    put32(this.current, this.position, 8);
    this.current.writeDoubleBE(value, this.position + 4);
    this.position += 12;
  }

  /** An int64 then an int32 (timetz: microseconds and zone). */
  int64int32(value: number, extra: number): void {
    this.reserve(16);
    put32(this.current, this.position, 12);
    put64(this.current, this.position + 4, value);
    put32(this.current, this.position + 12, extra);
    this.position += 16;
  }

  /** Int16 words (numeric's header and digits): the first `count` of `words`. */
  int16s(words: readonly number[], count = words.length): void {
    this.reserve(4 + count * 2);
    put32(this.current, this.position, count * 2);
    let at = this.position + 4;
    for (let k = 0; k < count; k++) {
      put16(this.current, at, words[k]!);
      at += 2;
    }
    this.position = at;
  }

  /** The buffered bytes; the buffer starts empty again. */
  take(): Buffer[] {
    if (this.position > this.start) this.chunks.push(this.current.subarray(this.start, this.position));
    const chunks = this.chunks;
    this.chunks = [];
    this.current = Buffer.alloc(0);
    this.position = 0;
    this.start = 0;
    this.taken = 0;
    return this.handOut(chunks);
  }

  /** The first `bytes` bytes (a row boundary); what follows stays, to be taken later. */
  takeUpTo(bytes: number): Buffer[] {
    if (bytes >= this.bytes) return this.take();
    // `taken` bytes are in the full chunks, the rest in the one being written
    const fromChunks = Math.min(bytes, this.taken);
    const [taken, rest] = splitChunks(this.chunks, fromChunks);
    this.chunks = rest;
    this.taken -= fromChunks;
    const left = bytes - fromChunks;
    if (left > 0) {
      taken.push(this.current.subarray(this.start, this.start + left));
      this.start += left;
    }
    return this.handOut(taken);
  }

  private handOut(chunks: Buffer[]): Buffer[] {
    for (const chunk of chunks) this.handedOut.set(chunk.buffer, (this.handedOut.get(chunk.buffer) ?? 0) + 1);
    return chunks;
  }

  /**
   * Takes back chunks that were taken from this buffer and are done with (their COPY has
   * ended): their memory is reused once no piece of it is in this buffer or in a batch
   * still waiting for its COPY (batches queue up, and neighbours share a chunk).
   */
  recycle(sent: readonly Buffer[]): void {
    // (rowBuffer needs no keeping: a row is fixed up before encode returns, never across a COPY)
    const held = new Set<ArrayBufferLike>([this.current.buffer, ...this.chunks.map((c) => c.buffer)]);
    for (const chunk of sent) {
      const memory = chunk.buffer;
      const pieces = (this.handedOut.get(memory) ?? 1) - 1;
      if (pieces > 0) {
        this.handedOut.set(memory, pieces);
        continue;
      }
      this.handedOut.delete(memory);
      if (memory.byteLength !== CHUNK_BYTES || held.has(memory) || spareChunks.length >= MAX_SPARE_CHUNKS) continue;
      spareChunks.push(Buffer.from(memory, 0, CHUNK_BYTES));
    }
  }

  /** Frees the chunks kept for reuse (a test starts from none). */
  static dropSpareChunks(): void {
    spareChunks.length = 0;
  }

  private reserve(bytes: number): void {
    if (this.current.length - this.position >= bytes) return;
    if (this.position > this.start) this.chunks.push(this.current.subarray(this.start, this.position));
    this.taken += this.position - this.start;
    this.current = bytes <= CHUNK_BYTES ? (spareChunks.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES)) : Buffer.allocUnsafe(bytes);
    this.position = 0;
    this.start = 0;
  }
}

/** `chunks` split after their first `bytes` bytes: [those, the rest] (a chunk that straddles the cut is split, its memory shared). */
export function splitChunks(chunks: readonly Buffer[], bytes: number): [Buffer[], Buffer[]] {
  const head: Buffer[] = [];
  let k = 0;
  for (; k < chunks.length && bytes > 0; k++) {
    const chunk = chunks[k]!;
    if (chunk.length > bytes) {
      head.push(chunk.subarray(0, bytes));
      return [head, [chunk.subarray(bytes), ...chunks.slice(k + 1)]];
    }
    head.push(chunk);
    bytes -= chunk.length;
  }
  return [head, chunks.slice(k)];
}
