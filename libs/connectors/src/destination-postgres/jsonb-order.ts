/**
 * A JSON value rewritten with each object's members in jsonb's key order (shorter keys
 * first, then bytewise) and without whitespace. jsonb keeps objects sorted: keys handed to
 * Postgres in that order are found sorted at once, any other order is sorted on every load
 * (measured on a Shopify-like customers stream: a quarter to a third of the server's CPU
 * for its jsonb columns). The value must be JSON that RecordScan accepted. Keys are compared
 * as written: an escaped key may land out of place, which costs speed, never a value.
 */
import { keyAfter } from '../destination-common/record-scan.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isSpace = (b: number | undefined): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
/** what ends a number or a literal */
const isDelimiter = (b: number | undefined): boolean => b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || isSpace(b);

/** Sort key of a member: key length first, then its first 4 bytes (ties compare the whole key). */
function sortKeyOf(buf: Buffer, start: number, end: number): number {
  const length = end - start;
  let head = 0;
  for (let k = 0; k < 4; k++) head = head * 256 + (start + k < end ? buf[start + k]! : 0);
  return length * 2 ** 32 + head;
}

/**
 * Writes each object as it comes, its values (and their objects) already rewritten, then
 * moves its members into order if they were not: every byte is read once.
 */
export class JsonbOrder {
  private out = Buffer.alloc(64 * 1024);
  /** where an object's members are copied to while they are put in order */
  private scratch = Buffer.alloc(64 * 1024);
  private at = 0;
  private buf: Buffer = this.out;
  private end = 0;
  /** members of the objects being written, innermost last */
  private sortKey = new Float64Array(256);
  /** the key's span in the input (quotes excluded), for ties */
  private keyStart = new Int32Array(256);
  private keyEnd = new Int32Array(256);
  /** the member's span in the output: key, colon, value */
  private memberStart = new Int32Array(256);
  private memberEnd = new Int32Array(256);
  private order = new Int32Array(256);
  private top = 0;

  /** The value at `buf[start, end)` with sorted keys: a view of a buffer that the next call reuses. */
  sorted(buf: Buffer, start: number, end: number): Buffer {
    // without whitespace the value only gets shorter
    if (this.out.length < end - start) {
      this.out = Buffer.alloc(2 * (end - start));
      this.scratch = Buffer.alloc(2 * (end - start));
    }
    this.buf = buf;
    this.end = end;
    this.at = 0;
    this.top = 0;
    this.value(this.space(start));
    return this.out.subarray(0, this.at);
  }

  /** Writes the value at `i`; the index after it. */
  private value(i: number): number {
    const b = this.buf[i];
    if (b === OPEN_BRACE) return this.object(i);
    if (b === OPEN_BRACKET) return this.array(i);
    const next = b === QUOTE ? this.stringEnd(i) : this.tokenEnd(i);
    this.copy(i, next);
    return next;
  }

  private object(i: number): number {
    const buf = this.buf;
    const base = this.top;
    const open = this.at;
    this.put(OPEN_BRACE);
    let inOrder = true;
    i = this.space(i + 1);
    if (buf[i] !== CLOSE_BRACE) {
      for (;;) {
        if (this.top === this.sortKey.length) this.grow();
        const m = this.top++;
        const keyEnd = this.stringEnd(i);
        const key = sortKeyOf(buf, i + 1, keyEnd - 1);
        this.sortKey[m] = key;
        this.keyStart[m] = i + 1;
        this.keyEnd[m] = keyEnd - 1;
        this.memberStart[m] = this.at;
        this.copy(i, keyEnd);
        this.put(COLON);
        i = this.space(this.value(this.space(this.space(keyEnd) + 1)));
        this.memberEnd[m] = this.at;
        if (inOrder && m > base && this.before(m, m - 1)) inOrder = false;
        if (buf[i] !== COMMA) break;
        this.put(COMMA);
        i = this.space(i + 1);
      }
    }
    this.put(CLOSE_BRACE);
    if (!inOrder) this.reorder(base, open + 1);
    this.top = base;
    return i + 1;
  }

  private array(i: number): number {
    const buf = this.buf;
    this.put(OPEN_BRACKET);
    i = this.space(i + 1);
    if (buf[i] !== CLOSE_BRACKET) {
      for (;;) {
        i = this.space(this.value(i));
        if (buf[i] !== COMMA) break;
        this.put(COMMA);
        i = this.space(i + 1);
      }
    }
    this.put(CLOSE_BRACKET);
    return i + 1;
  }

  /** Member `a` goes before member `b` in jsonb's order. */
  private before(a: number, b: number): boolean {
    const ka = this.sortKey[a]!;
    const kb = this.sortKey[b]!;
    if (ka !== kb) return ka < kb;
    return keyAfter(this.buf, this.keyStart[b]!, this.keyEnd[b]!, this.keyStart[a]!, this.keyEnd[a]!);
  }

  /**
   * Rewrites the members from `base` on, written from `from`, in key order. A stable sort:
   * a key written twice keeps its order, so Postgres still keeps the last one.
   */
  private reorder(base: number, from: number): void {
    const { order, memberStart, memberEnd, out, scratch } = this;
    const count = this.top - base;
    const last = memberEnd[this.top - 1]!;
    out.copy(scratch, 0, from, last);
    for (let k = 0; k < count; k++) {
      const m = base + k;
      let j = k - 1;
      while (j >= 0 && this.before(m, order[j]!)) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = m;
    }
    let at = from;
    for (let k = 0; k < count; k++) {
      if (k > 0) out[at++] = COMMA;
      const m = order[k]!;
      const start = memberStart[m]! - from;
      const end = memberEnd[m]! - from;
      if (end - start > 32) at += scratch.copy(out, at, start, end);
      else for (let b = start; b < end; b++) out[at++] = scratch[b]!;
    }
  }

  /** The index after the string whose opening quote is at `i`. */
  private stringEnd(i: number): number {
    const buf = this.buf;
    for (i++; ; i++) {
      const b = buf[i];
      if (b === QUOTE) return i + 1;
      if (b === BACKSLASH) i++;
    }
  }

  private tokenEnd(i: number): number {
    while (i < this.end && !isDelimiter(this.buf[i])) i++;
    return i;
  }

  private space(i: number): number {
    while (i < this.end && isSpace(this.buf[i])) i++;
    return i;
  }

  private put(byte: number): void {
    this.out[this.at++] = byte;
  }

  private copy(start: number, end: number): void {
    if (end - start > 32) {
      this.at += this.buf.copy(this.out, this.at, start, end);
      return;
    }
    const { buf, out } = this;
    for (let k = start; k < end; k++) out[this.at++] = buf[k]!;
  }

  private grow(): void {
    const size = this.sortKey.length * 2;
    const grown = <T extends Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.sortKey = grown(this.sortKey, (n) => new Float64Array(n));
    this.keyStart = grown(this.keyStart, (n) => new Int32Array(n));
    this.keyEnd = grown(this.keyEnd, (n) => new Int32Array(n));
    this.memberStart = grown(this.memberStart, (n) => new Int32Array(n));
    this.memberEnd = grown(this.memberEnd, (n) => new Int32Array(n));
    this.order = grown(this.order, (n) => new Int32Array(n));
  }
}
