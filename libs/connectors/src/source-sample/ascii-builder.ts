/**
 * Writes JSON text straight into a byte buffer. Building records as JS strings costs
 * ~2 µs each here (number-to-string allocations, rope flattening, GC). Instead,
 * constant text is pre-encoded as `Piece`s and copied four bytes at a time through a
 * DataView (a byte loop or Uint8Array#set is 2x slower for pieces this short), and
 * numbers are written digit by digit. Nothing is allocated per record.
 *
 * Callers keep each write within capacity (ByteBatchOutput reserves room for a whole
 * record): typed arrays silently drop out-of-range writes.
 */

/**
 * Pre-encoded constant text: a run of little-endian 32-bit words in the shared
 * PIECE_WORDS pool, the last word zero-padded. One contiguous pool (rather than a typed
 * array per piece) keeps the thousands of table entries cache-friendly and every copy
 * on the same code path: separate small typed arrays made copies 2x slower.
 */
export interface Piece {
  /** first word in the pool */
  readonly start: number;
  /** one past the last word */
  readonly end: number;
  /** length in bytes */
  readonly length: number;
}

/** Word copies may write up to 3 bytes past a piece's end (later writes overwrite them). */
export const PIECE_SLACK_BYTES = 4;

const ZERO = 0x30;
const DOT = 0x2e;
const INT32_LIMIT = 0x80000000;

let pieceWords = new Uint32Array(256 * 1024);
let pieceWordsUsed = 0;

/** text as little-endian words, zero-padded: what `AsciiBuilder.words` copies */
export function encodeWords(text: string): { words: Uint32Array; byteLength: number } {
  // tables hold ~12k pieces: packing ASCII directly keeps module load fast (Buffers cost ~20 µs each)
  let ascii = true;
  for (let i = 0; i < text.length && ascii; i++) ascii = text.charCodeAt(i) < 0x80;
  const bytes: ArrayLike<number> = ascii ? { length: text.length } : Buffer.from(text, 'utf8');
  const words = new Uint32Array(Math.ceil(bytes.length / 4));
  for (let i = 0; i < bytes.length; i++) {
    const byte = ascii ? text.charCodeAt(i) : (bytes[i] as number);
    words[i >> 2] = ((words[i >> 2] as number) | (byte << ((i & 3) * 8))) >>> 0;
  }
  return { words, byteLength: bytes.length };
}

/** Encodes constant text (UTF-8) once, at module load or once per stream. */
export function piece(text: string): Piece {
  const { words, byteLength } = encodeWords(text);
  const count = words.length;
  if (pieceWordsUsed + count > pieceWords.length) {
    const grown = new Uint32Array(Math.max(pieceWords.length * 2, pieceWordsUsed + count));
    grown.set(pieceWords);
    pieceWords = grown;
  }
  const start = pieceWordsUsed;
  pieceWords.set(words, start);
  pieceWordsUsed += count;
  return { start, end: start + count, length: byteLength };
}

/** `count` pieces made by `text(i)`: lookup tables that merge a random choice with the JSON around it */
export function pieceTable(count: number, text: (i: number) => string): Piece[] {
  return Array.from({ length: count }, (_, i) => piece(text(i)));
}

export class AsciiBuilder {
  pos = 0;
  buf!: Buffer;
  /** the same memory as `buf`: element writes on a plain Uint8Array are faster than on a Buffer */
  private bytes!: Uint8Array;
  private view!: DataView;

  constructor(buf: Buffer) {
    this.reset(buf);
  }

  /** continues in a fresh buffer (the old one may still be queued for writing) */
  reset(buf: Buffer): void {
    this.buf = buf;
    this.bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = 0;
  }

  byte(code: number): void {
    this.bytes[this.pos++] = code;
  }

  piece(p: Piece): void {
    // the loop of words(), repeated: this is the hottest call and one call level less shows
    const words = pieceWords;
    const view = this.view;
    let at = this.pos;
    for (let i = p.start; i < p.end; i++) {
      view.setUint32(at, words[i] as number, true);
      at += 4;
    }
    this.pos += p.length;
  }

  /** copies `words[start, end)` and advances by `byteLength` (the bytes that count) */
  words(words: Uint32Array, start: number, end: number, byteLength: number): void {
    const view = this.view;
    let at = this.pos;
    for (let i = start; i < end; i++) {
      view.setUint32(at, words[i] as number, true);
      at += 4;
    }
    this.pos += byteLength;
  }

  /** a non-negative integer (below 2^53) in decimal; short numbers (the common case) without a loop */
  uint(n: number): void {
    const buf = this.bytes;
    if (n < 10) {
      buf[this.pos++] = ZERO + n;
    } else if (n < 100) {
      this.twoDigits(n);
    } else if (n < 10_000) {
      const high = (n / 100) | 0;
      if (high < 10) buf[this.pos++] = ZERO + high;
      else this.twoDigits(high);
      this.twoDigits(n - high * 100);
    } else if (n < INT32_LIMIT) {
      let digits = 5;
      for (let t = (n / 100_000) | 0; t > 0; t = (t / 10) | 0) digits++;
      let at = this.pos + digits;
      this.pos = at;
      while (n >= 10) {
        const q = (n / 10) | 0;
        buf[--at] = ZERO + n - q * 10;
        n = q;
      }
      buf[--at] = ZERO + n;
    } else {
      this.bigUint(n);
    }
  }

  private bigUint(n: number): void {
    this.ascii(String(n));
  }

  /** two decimal digits, zero-padded: 7 -> "07" */
  twoDigits(n: number): void {
    const tens = (n / 10) | 0;
    const buf = this.bytes;
    buf[this.pos++] = ZERO + tens;
    buf[this.pos++] = ZERO + n - tens * 10;
  }

  /** an amount in cents as a JSON number with two decimals: 1234 -> 12.34 */
  cents(n: number): void {
    const whole = (n / 100) | 0;
    this.uint(whole);
    this.bytes[this.pos++] = DOT;
    this.twoDigits(n - whole * 100);
  }

  /** a value in tenths as a JSON number with one decimal: 43 -> 4.3 */
  tenths(n: number): void {
    const whole = (n / 10) | 0;
    this.uint(whole);
    this.bytes[this.pos++] = DOT;
    this.bytes[this.pos++] = ZERO + n - whole * 10;
  }

  /** text known to be ASCII (digits of big numbers) */
  ascii(text: string): void {
    this.pos += this.buf.write(text, this.pos, 'latin1');
  }

  /** arbitrary text, UTF-8 encoded (messages off the hot path) */
  utf8(text: string): void {
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }
}
