/**
 * A compact JSON value rewritten with each object's members in jsonb's key order (shorter
 * keys first, then bytewise). jsonb keeps objects sorted: keys handed to
 * Postgres in that order are found sorted at once, any other order is sorted on every load
 * (measured on a Shopify-like customers stream: a quarter to a third of the server's CPU
 * for its jsonb columns). The value must be JSON that RecordScan accepted. Keys are compared
 * as written: an escaped key may land out of place, which costs speed, never a value.
 */
import { keyAfter, type UnsortedObjects } from '../destination-common/record-scan.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** objects of fewer members than this have their last order kept (JsonbOrder.knownOrder) */
const KNOWN_ORDERS = 64;

/** what ends a number or a literal in compact JSON */
const isDelimiter = (b: number | undefined): boolean => b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET;

/** Sort key of a member: key length first, then its first 4 bytes (ties compare the whole key). */
function sortKeyOf(buf: Buffer, start: number, end: number): number {
  const length = end - start;
  let head = 0;
  for (let k = 0; k < 4; k++) head = head * 256 + (start + k < end ? buf[start + k]! : 0);
  return length * 2 ** 32 + head;
}

/** Below this many bytes a loop copies faster than Buffer.copy, whose every call makes a view. */
const SHORT_COPY = 256;

/** Copies `src[from, to)` to `dst` at `at`; the index after it. */
function copyBytes(src: Buffer, from: number, to: number, dst: Buffer, at: number): number {
  if (to - from >= SHORT_COPY) return at + src.copy(dst, at, from, to);
  for (let i = from; i < to; i++) dst[at++] = src[i]!;
  return at;
}

/**
 * Copies the value, then walks it once: each object whose members are out of order has
 * them moved into order in place, after its values' own objects (a member keeps its length,
 * so the spans noted around it stay right).
 */
export class JsonbOrder {
  /** the value, then room for a copy of it: an object's members are copied there while they are put in order */
  private out = Buffer.alloc(64 * 1024);
  private end = 0;
  /** where the keys of the members being ordered are: `out` for a walk, the line for noted objects */
  private keys: Buffer = this.out;
  /** members of the objects being walked, innermost last */
  private sortKey = new Float64Array(256);
  /** the key's span (quotes excluded), for ties */
  private keyStart = new Int32Array(256);
  private keyEnd = new Int32Array(256);
  /** the member's span: key, colon, value */
  private memberEnd = new Int32Array(256);
  private order = new Int32Array(256);
  private top = 0;
  /** whitespace was met outside strings: the value is not compact */
  private spaced = false;
  /**
   * By member count, the order (relative to its first member) the last object of that many
   * members was sorted into: a stream's objects mostly repeat the same keys in the same order,
   * so it is tried first and only checked (count - 1 comparisons instead of a sort).
   */
  private readonly knownOrder: (Int32Array | undefined)[] = [];

  /**
   * The value at `buf[start, end)` with sorted keys, as a view of a buffer that the next call
   * reuses; undefined when the value has whitespace between its tokens (it is then sent as
   * it is, and Postgres sorts it).
   */
  sorted(buf: Buffer, start: number, end: number): Buffer | undefined {
    const length = end - start;
    if (this.out.length < 2 * length) this.out = Buffer.alloc(4 * length);
    buf.copy(this.out, 0, start, end);
    this.keys = this.out;
    this.end = length;
    this.top = 0;
    this.spaced = false;
    const after = this.value(0);
    return this.spaced || after !== length ? undefined : this.out.subarray(0, length);
  }

  /**
   * The value at `buf[start, end)` with sorted keys, as sorted() gives it, from the objects its
   * scan noted out of order (RecordScan.unsortedObjects) instead of a walk: each one's
   * members are copied in order, one comma between them (whitespace around commas goes; any
   * other is kept). Undefined when an object there was noted without its members (it holds a
   * container): sorted() then walks the value.
   */
  sortedNoted(buf: Buffer, start: number, end: number, noted: UnsortedObjects): Buffer | undefined {
    if (this.out.length < end - start) this.out = Buffer.alloc(2 * (end - start));
    const { out, order } = this;
    let at = 0;
    let from = start;
    // noted objects that hold no container never nest: in the order noted, they are in the order of the line
    for (let k = 0; k < noted.count; k++) {
      const open = noted.open[k]!;
      if (open < start || open >= end) continue;
      const first = noted.first[k]!;
      if (first < 0) return undefined;
      const count = noted.size[k]!;
      while (this.sortKey.length < count) this.grow();
      for (let m = 0; m < count; m++) {
        const keyStart = noted.keyStart[first + m]!;
        const keyEnd = noted.keyEnd[first + m]!;
        this.sortKey[m] = sortKeyOf(buf, keyStart, keyEnd);
        this.keyStart[m] = keyStart;
        this.keyEnd[m] = keyEnd;
        this.memberEnd[m] = noted.memberEnd[first + m]!;
      }
      this.keys = buf;
      if (!this.knownOrderFits(0, count)) this.sortMembers(0, count);
      // up to the first member's opening quote as it is, then the members in order
      at = copyBytes(buf, from, this.keyStart[0]! - 1, out, at);
      for (let j = 0; j < count; j++) {
        if (j > 0) out[at++] = COMMA;
        const m = order[j]!;
        at = copyBytes(buf, this.keyStart[m]! - 1, this.memberEnd[m]!, out, at);
      }
      from = this.memberEnd[count - 1]!;
    }
    at = copyBytes(buf, from, end, out, at);
    return out.subarray(0, at);
  }

  /** Walks the value at `i` (in `out`); the index after it. */
  private value(i: number): number {
    const b = this.out[i];
    if (b === OPEN_BRACE) return this.object(i);
    if (b === OPEN_BRACKET) return this.array(i);
    if (b === QUOTE) return this.stringEnd(i);
    return this.tokenEnd(i);
  }

  private object(i: number): number {
    const out = this.out;
    const base = this.top;
    let inOrder = true;
    i++;
    if (out[i] !== CLOSE_BRACE) {
      for (;;) {
        if (out[i] !== QUOTE) return this.notCompact();
        if (this.top === this.sortKey.length) this.grow();
        const m = this.top++;
        const keyEnd = this.stringEnd(i);
        this.sortKey[m] = sortKeyOf(out, i + 1, keyEnd - 1);
        this.keyStart[m] = i + 1;
        this.keyEnd[m] = keyEnd - 1;
        if (out[keyEnd] !== COLON) return this.notCompact();
        i = this.value(keyEnd + 1);
        if (this.spaced) return this.end;
        this.memberEnd[m] = i;
        if (inOrder && m > base && this.before(m, m - 1)) inOrder = false;
        if (out[i] !== COMMA) break;
        i++;
      }
    }
    if (out[i] !== CLOSE_BRACE) return this.notCompact();
    if (!inOrder) this.reorder(base);
    this.top = base;
    return i + 1;
  }

  private array(i: number): number {
    const out = this.out;
    i++;
    if (out[i] !== CLOSE_BRACKET) {
      for (;;) {
        i = this.value(i);
        if (this.spaced) return this.end;
        if (out[i] !== COMMA) break;
        i++;
      }
    }
    return out[i] === CLOSE_BRACKET ? i + 1 : this.notCompact();
  }

  /** Whitespace (the only thing compact JSON lacks): the walk ends, the value is left as it is. */
  private notCompact(): number {
    this.spaced = true;
    return this.end;
  }

  /** Member `a` goes before member `b` in jsonb's order. */
  private before(a: number, b: number): boolean {
    const ka = this.sortKey[a]!;
    const kb = this.sortKey[b]!;
    if (ka !== kb) return ka < kb;
    return keyAfter(this.keys, this.keyStart[b]!, this.keyEnd[b]!, this.keyStart[a]!, this.keyEnd[a]!);
  }

  /**
   * Rewrites the members from `base` on in key order, in place. A stable sort: a key written
   * twice keeps its order, so Postgres still keeps the last one.
   */
  private reorder(base: number): void {
    const { order, keyStart, memberEnd, out } = this;
    const count = this.top - base;
    // a member starts at its key's opening quote; copyWithin is the cheapest copy there is
    const from = keyStart[base]! - 1;
    const copy = this.end - from;
    out.copyWithin(this.end, from, memberEnd[this.top - 1]!);
    if (!this.knownOrderFits(base, count)) this.sortMembers(base, count);
    let at = from;
    for (let k = 0; k < count; k++) {
      if (k > 0) out[at++] = COMMA;
      const m = order[k]!;
      const start = keyStart[m]! - 1 + copy;
      const end = memberEnd[m]! + copy;
      out.copyWithin(at, start, end);
      at += end - start;
    }
  }

  /** Sets `order` to the members' order by insertion (stable), and keeps it for the next object of as many members. */
  private sortMembers(base: number, count: number): void {
    const order = this.order;
    for (let k = 0; k < count; k++) {
      const m = base + k;
      let j = k - 1;
      while (j >= 0 && this.before(m, order[j]!)) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = m;
    }
    if (count >= KNOWN_ORDERS) return;
    const known = (this.knownOrder[count] ??= new Int32Array(count));
    for (let k = 0; k < count; k++) known[k] = order[k]! - base;
  }

  /**
   * Sets `order` to the order the last object of `count` members took, when that puts these
   * members in order too: each before the next, or equal to it and written before it (as the
   * stable sort leaves a key written twice). False otherwise.
   */
  private knownOrderFits(base: number, count: number): boolean {
    const known = count < KNOWN_ORDERS ? this.knownOrder[count] : undefined;
    if (known === undefined) return false;
    const order = this.order;
    for (let k = 0; k < count; k++) {
      const m = known[k]! + base;
      order[k] = m;
      if (k === 0) continue;
      const previous = order[k - 1]!;
      if (this.before(m, previous) || (m < previous && !this.before(previous, m))) return false;
    }
    return true;
  }

  /** The index after the string whose opening quote is at `i`. */
  private stringEnd(i: number): number {
    const out = this.out;
    for (i++; ; i++) {
      const b = out[i];
      if (b === QUOTE) return i + 1;
      if (b === BACKSLASH) i++;
    }
  }

  private tokenEnd(i: number): number {
    while (i < this.end && !isDelimiter(this.out[i])) i++;
    return i;
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
    this.memberEnd = grown(this.memberEnd, (n) => new Int32Array(n));
    this.order = grown(this.order, (n) => new Int32Array(n));
  }
}
