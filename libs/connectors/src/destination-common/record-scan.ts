/**
 * A RECORD line read in place: one pass over its bytes that checks it is JSON and notes
 * where the stream name, emitted_at, meta and each top-level field of `data` lie, without
 * building a JS object. A destination then copies or converts each field straight from
 * the bytes. JSON.parse of every record costed more than all the rest of the load.
 *
 * `scan` answers false for anything it does not take whole (another message type, JSON it
 * refuses, a top-level or record key written twice or with escapes, nesting deeper than
 * MAX_DEPTH): the caller then takes the ordinary path (decodeLine), which decides and
 * reports exactly as before. When it answers true, JSON.parse would have accepted the line
 * and each span decodes to the value JSON.parse would have given.
 */

/** What a value is, from its first byte. */
export const enum ValueKind {
  String = 1,
  Number = 2,
  True = 3,
  False = 4,
  Null = 5,
  Object = 6,
  Array = 7,
}

/** Facts noted while scanning a value (a container gathers those of everything inside it). */
export const enum ValueFlag {
  /** a string holding a backslash escape */
  Escaped = 1,
  /** a byte >= 0x80 in a string: UTF-8 that may still be invalid */
  NonAscii = 2,
  /** a \u escape somewhere (jsonb refuses \u0000 and lone surrogates) */
  UnicodeEscape = 4,
  /** a number with a fraction or an exponent */
  Fraction = 8,
  /** a number JSON.stringify(JSON.parse(x)) would write differently (exponent, trailing zero, -0, > 15 digits) */
  NonCanonicalNumber = 16,
  /** a number with an exponent */
  Exponent = 32,
  /**
   * an object of at least UNSORTED_MIN_MEMBERS members whose keys are not in jsonb's order
   * (shorter first, then bytewise): Postgres sorts them on every load
   */
  Unsorted = 64,
}

/** Objects smaller than this are not flagged Unsorted: sorting so few keys costs Postgres little. */
export const UNSORTED_MIN_MEMBERS = 8;

/** The key at `[aStart, aEnd)` comes after the one at `[bStart, bEnd)` in jsonb's order (raw bytes). */
export function keyAfter(buf: Buffer, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  const length = aEnd - aStart;
  if (length !== bEnd - bStart) return length > bEnd - bStart;
  for (let k = 0; k < length; k++) {
    const a = buf[aStart + k]!;
    const b = buf[bStart + k]!;
    if (a !== b) return a > b;
  }
  return false;
}

/** Containers nested deeper than this are left to JSON.parse. */
const MAX_DEPTH = 64;

// byte classes inside a string: 0 plain ASCII, 1 quote/backslash/control (stop), 2 non-ASCII
const STRING_CLASS = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) STRING_CLASS[b] = 1;
STRING_CLASS[0x22] = 1;
STRING_CLASS[0x5c] = 1;
for (let b = 0x80; b < 0x100; b++) STRING_CLASS[b] = 2;

const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** What a value is, from its first byte (a value RecordScan took whole). */
export function valueKindOf(first: number): ValueKind {
  switch (first) {
    case QUOTE:
      return ValueKind.String;
    case OPEN_BRACE:
      return ValueKind.Object;
    case OPEN_BRACKET:
      return ValueKind.Array;
    case 0x74:
      return ValueKind.True;
    case 0x66:
      return ValueKind.False;
    case 0x6e:
      return ValueKind.Null;
    default:
      return ValueKind.Number;
  }
}

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= ZERO && b <= NINE;
const isSpace = (b: number | undefined): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** `literal` (ASCII) at `at` of `buf`. */
function bytesAre(buf: Buffer, at: number, end: number, literal: readonly number[]): boolean {
  if (at + literal.length > end) return false;
  for (let k = 0; k < literal.length; k++) if (buf[at + k] !== literal[k]) return false;
  return true;
}

/*
 * Tokens in their plain forms, for a reader that knows what to expect at a place: each answers
 * the index after the token at `i` (ending by `end`), or -1 when the bytes there are not that
 * token in that form. A caller then checks the value the long way (RecordScan.valueAt): -1
 * says nothing about whether it is JSON.
 */

/** A string of printable ASCII without escapes, its opening quote at `i`. */
export function plainStringEnd(buf: Buffer, i: number, end: number): number {
  if (buf[i] !== QUOTE) return -1;
  i++;
  while (i < end && STRING_CLASS[buf[i]!] === 0) i++;
  return i < end && buf[i] === QUOTE ? i + 1 : -1;
}

/** An integer of at most 15 characters (so a double holds it exactly), without fraction or exponent. */
export function plainIntegerEnd(buf: Buffer, i: number, end: number): number {
  const start = i;
  i = digitsEnd(buf, buf[i] === MINUS ? i + 1 : i, end);
  if (i < 0 || i - start > 15 || (i < end && (buf[i] === DOT || buf[i] === 0x65 || buf[i] === 0x45))) return -1;
  return i;
}

/** A number without exponent: `-?int(.frac)?`. */
export function plainDecimalEnd(buf: Buffer, i: number, end: number): number {
  i = digitsEnd(buf, buf[i] === MINUS ? i + 1 : i, end);
  if (i >= 0 && i < end && buf[i] === DOT) {
    const fractionStart = ++i;
    while (i < end && isDigit(buf[i])) i++;
    if (i === fractionStart) return -1;
  }
  if (i < 0 || (i < end && (buf[i] === 0x65 || buf[i] === 0x45))) return -1;
  return i;
}

/** JSON's integer part at `i`: a lone 0, or digits not starting with 0. */
function digitsEnd(buf: Buffer, i: number, end: number): number {
  if (i >= end) return -1;
  if (buf[i] === ZERO) return i + 1;
  if (!isDigit(buf[i])) return -1;
  while (i < end && isDigit(buf[i])) i++;
  return i;
}

/** `true` or `false` at `i`: the index after it, or -1. */
export function booleanEnd(buf: Buffer, i: number, end: number): number {
  if (bytesAre(buf, i, end, TRUE)) return i + 4;
  return bytesAre(buf, i, end, FALSE) ? i + 5 : -1;
}

/** `null` at `i`: the index after it, or -1. */
export function nullEnd(buf: Buffer, i: number, end: number): number {
  return bytesAre(buf, i, end, NULL) ? i + 4 : -1;
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
const TRUE = ascii('true');
const FALSE = ascii('false');
const NULL = ascii('null');
const RECORD = ascii('RECORD');

const enum TopKey {
  Other,
  Type,
  Record,
}
const enum RecordKey {
  Other,
  Stream,
  Namespace,
  Data,
  EmittedAt,
  Meta,
}

/**
 * The objects a scan found out of jsonb's key order, with their members' spans: JsonbOrder
 * puts them in order from these instead of walking the value a second time. An object whose
 * values are all scalars is noted with its members; one that holds a container is noted
 * without them (`first` -1), and JsonbOrder then walks the value itself. Objects already in
 * order are not noted. RecordScan.scan starts afresh for each line; a caller of valueAt calls
 * reset() before the first value of a line.
 */
export class UnsortedObjects {
  /** objects noted: where each opens (its '{'), its first member (-1: not noted), its member count */
  count = 0;
  open = new Int32Array(16);
  first = new Int32Array(16);
  size = new Int32Array(16);
  /** members: the key's span without its quotes, the index after the value */
  members = 0;
  keyStart = new Int32Array(64);
  keyEnd = new Int32Array(64);
  memberEnd = new Int32Array(64);

  reset(): void {
    this.count = 0;
    this.members = 0;
  }

  /** Notes a member's key; its index (memberEnd is set once its value is scanned). */
  addMember(keyStart: number, keyEnd: number): number {
    if (this.members === this.keyStart.length) {
      this.keyStart = grown(this.keyStart);
      this.keyEnd = grown(this.keyEnd);
      this.memberEnd = grown(this.memberEnd);
    }
    const m = this.members++;
    this.keyStart[m] = keyStart;
    this.keyEnd[m] = keyEnd;
    return m;
  }

  add(open: number, first: number, size: number): void {
    if (this.count === this.open.length) {
      this.open = grown(this.open);
      this.first = grown(this.first);
      this.size = grown(this.size);
    }
    const k = this.count++;
    this.open[k] = open;
    this.first[k] = first;
    this.size[k] = size;
  }
}

/** A copy of the array at twice its length. */
function grown<T extends Int32Array | Uint8Array>(old: T): T {
  const next = new (old.constructor as new (length: number) => T)(old.length * 2);
  next.set(old);
  return next;
}

export class RecordScan {
  buf: Buffer = Buffer.alloc(0);
  streamStart = -1;
  streamEnd = -1;
  streamFlags = 0;
  /** -1 when absent or null */
  namespaceStart = -1;
  namespaceEnd = -1;
  namespaceFlags = 0;
  /** the number token, -1 when absent */
  emittedAtStart = -1;
  emittedAtEnd = -1;
  emittedAtFlags = 0;
  /** the whole value, -1 when absent */
  metaStart = -1;
  metaEnd = -1;

  /** top-level fields of `data`: `count` entries; a string key or value span excludes its quotes */
  count = 0;
  keyStart = new Int32Array(64);
  keyEnd = new Int32Array(64);
  keyFlags = new Uint8Array(64);
  valueStart = new Int32Array(64);
  valueEnd = new Int32Array(64);
  valueKind = new Uint8Array(64);
  valueFlags = new Uint8Array(64);
  /** the field `hinted` found at each key, -1 where it did not look or did not match */
  keyField = new Int32Array(64);
  /** fields to expect in `data`, in the order of the stream's last record (the caller sets it before scan) */
  hint: FieldLookup | undefined;
  /** the hint `keyField` refers to */
  hinted: FieldLookup | undefined;

  /** objects out of jsonb's key order in the line scanned last (or in the values valueAt checked since a reset) */
  readonly unsortedObjects = new UnsortedObjects();

  /** the bounds of the line scanned last */
  lineStart = 0;
  lineEnd = 0;

  private end = 0;
  private dataSeen = false;
  /** flags of the last string, number or container scanned */
  private flags = 0;
  private depth = 0;

  /** Scans `buf[start, end)`; true when it is a RECORD message taken whole (see the module comment). */
  scan(buf: Buffer, start: number, end: number): boolean {
    this.buf = buf;
    this.end = end;
    this.unsortedObjects.reset();
    this.lineStart = start;
    this.lineEnd = end;
    this.count = 0;
    this.hinted = undefined;
    this.streamStart = this.namespaceStart = this.emittedAtStart = this.metaStart = -1;
    this.depth = 0;
    let typeIsRecord = false;
    let sawType = false;
    let sawRecord = false;

    let i = this.space(start);
    if (buf[i] !== OPEN_BRACE) return false;
    i = this.space(i + 1);
    if (buf[i] === CLOSE_BRACE) return false;
    for (;;) {
      if (buf[i] !== QUOTE) return false;
      const keyStart = i + 1;
      i = this.string(i);
      if (i < 0 || this.flags !== 0) return false;
      const key = this.topKey(keyStart, i - 1);
      i = this.space(i);
      if (buf[i] !== COLON) return false;
      i = this.space(i + 1);
      if (key === TopKey.Type) {
        if (sawType) return false;
        sawType = true;
        if (buf[i] !== QUOTE) return false;
        const valueStart = i + 1;
        i = this.string(i);
        if (i < 0) return false;
        typeIsRecord = this.flags === 0 && i - 1 - valueStart === RECORD.length && bytesAre(buf, valueStart, i - 1, RECORD);
        if (!typeIsRecord) return false;
      } else if (key === TopKey.Record) {
        if (sawRecord || buf[i] !== OPEN_BRACE) return false;
        sawRecord = true;
        i = this.record(i);
      } else {
        i = this.value(i);
      }
      if (i < 0) return false;
      i = this.space(i);
      if (buf[i] === COMMA) {
        i = this.space(i + 1);
        continue;
      }
      if (buf[i] !== CLOSE_BRACE) return false;
      i = this.space(i + 1);
      break;
    }
    return i === end && typeIsRecord && sawRecord && this.streamStart >= 0 && this.dataSeen;
  }

  private topKey(start: number, end: number): TopKey {
    const buf = this.buf;
    if (end - start === 4 && buf[start] === 0x74 && buf[start + 1] === 0x79 && buf[start + 2] === 0x70 && buf[start + 3] === 0x65)
      return TopKey.Type;
    if (end - start === 6 && bytesAre(buf, start, end, RECORD_KEY)) return TopKey.Record;
    return TopKey.Other;
  }

  private recordKey(start: number, end: number): RecordKey {
    const buf = this.buf;
    switch (end - start) {
      case 4:
        return bytesAre(buf, start, end, DATA_KEY)
          ? RecordKey.Data
          : bytesAre(buf, start, end, META_KEY)
            ? RecordKey.Meta
            : RecordKey.Other;
      case 6:
        return bytesAre(buf, start, end, STREAM_KEY) ? RecordKey.Stream : RecordKey.Other;
      case 9:
        return bytesAre(buf, start, end, NAMESPACE_KEY) ? RecordKey.Namespace : RecordKey.Other;
      case 10:
        return bytesAre(buf, start, end, EMITTED_AT_KEY) ? RecordKey.EmittedAt : RecordKey.Other;
      default:
        return RecordKey.Other;
    }
  }

  /** The record object at `i` (its `{`); the index after it, or -1. */
  private record(i: number): number {
    const buf = this.buf;
    let sawNamespace = false;
    this.dataSeen = false;
    i = this.space(i + 1);
    if (buf[i] === CLOSE_BRACE) return i + 1;
    for (;;) {
      if (buf[i] !== QUOTE) return -1;
      const keyStart = i + 1;
      i = this.string(i);
      if (i < 0 || this.flags !== 0) return -1;
      const key = this.recordKey(keyStart, i - 1);
      i = this.space(i);
      if (buf[i] !== COLON) return -1;
      i = this.space(i + 1);
      const valueStart = i;
      switch (key) {
        case RecordKey.Stream:
          if (this.streamStart >= 0 || buf[i] !== QUOTE) return -1;
          i = this.string(i);
          if (i < 0) return -1;
          this.streamStart = valueStart + 1;
          this.streamEnd = i - 1;
          this.streamFlags = this.flags;
          break;
        case RecordKey.Namespace:
          if (sawNamespace) return -1;
          sawNamespace = true;
          if (buf[i] === QUOTE) {
            i = this.string(i);
            if (i < 0) return -1;
            this.namespaceStart = valueStart + 1;
            this.namespaceEnd = i - 1;
            this.namespaceFlags = this.flags;
          } else if (bytesAre(buf, i, this.end, NULL)) i += 4;
          else return -1;
          break;
        case RecordKey.Data:
          if (this.dataSeen || buf[i] !== OPEN_BRACE) return -1;
          this.dataSeen = true;
          i = this.data(i);
          break;
        case RecordKey.EmittedAt:
          if (this.emittedAtStart >= 0) return -1;
          i = this.number(i);
          if (i < 0) return -1;
          this.emittedAtStart = valueStart;
          this.emittedAtEnd = i;
          this.emittedAtFlags = this.flags;
          break;
        case RecordKey.Meta:
          if (this.metaStart >= 0) return -1;
          i = this.value(i);
          if (i < 0) return -1;
          this.metaStart = valueStart;
          this.metaEnd = i;
          break;
        default:
          i = this.value(i);
      }
      if (i < 0) return -1;
      i = this.space(i);
      if (buf[i] === COMMA) {
        i = this.space(i + 1);
        continue;
      }
      return buf[i] === CLOSE_BRACE ? i + 1 : -1;
    }
  }

  /** The data object at `i`: notes each member; the index after it, or -1. */
  private data(i: number): number {
    const buf = this.buf;
    i = this.space(i + 1);
    if (buf[i] === CLOSE_BRACE) return i + 1;
    const hint = this.hint;
    this.hinted = hint;
    for (;;) {
      if (buf[i] !== QUOTE) return -1;
      const keyStart = i + 1;
      const n = this.count;
      if (n === this.keyStart.length) this.grow();
      // the key the hint expects here, compared in place: a match is a plain string, scanned as it is compared
      const field = hint === undefined ? -1 : hint.expectedAt(n);
      const name = field >= 0 ? hint!.plainName(field) : undefined;
      if (
        name !== undefined &&
        buf[keyStart + name.length] === QUOTE &&
        keyStart + name.length < this.end &&
        sameBytes(buf, keyStart, name)
      ) {
        i = keyStart + name.length + 1;
        this.keyFlags[n] = 0;
        this.keyField[n] = field;
      } else {
        i = this.string(i);
        if (i < 0) return -1;
        this.keyFlags[n] = this.flags;
        this.keyField[n] = -1;
      }
      this.keyStart[n] = keyStart;
      this.keyEnd[n] = i - 1;
      i = this.space(i);
      if (buf[i] !== COLON) return -1;
      i = this.space(i + 1);
      const first = buf[i];
      const valueStart = i;
      this.flags = 0;
      i = this.value(i);
      if (i < 0) return -1;
      const string = first === QUOTE;
      this.valueStart[n] = string ? valueStart + 1 : valueStart;
      this.valueEnd[n] = string ? i - 1 : i;
      this.valueKind[n] = valueKindOf(first!);
      this.valueFlags[n] = this.flags;
      this.count = n + 1;
      i = this.space(i);
      if (buf[i] === COMMA) {
        i = this.space(i + 1);
        continue;
      }
      return buf[i] === CLOSE_BRACE ? i + 1 : -1;
    }
  }

  private grow(): void {
    // every array has the same length: each doubles
    this.keyStart = grown(this.keyStart);
    this.keyField = grown(this.keyField);
    this.keyEnd = grown(this.keyEnd);
    this.valueStart = grown(this.valueStart);
    this.valueEnd = grown(this.valueEnd);
    this.keyFlags = grown(this.keyFlags);
    this.valueKind = grown(this.valueKind);
    this.valueFlags = grown(this.valueFlags);
  }

  /**
   * The JSON value at `i` of `buf` (ending by `end`), checked as `scan` checks a value of
   * `data`; the index after it, or -1. Its flags are then in `valueFlagsAt`.
   */
  valueAt(buf: Buffer, i: number, end: number): number {
    this.buf = buf;
    this.end = end;
    this.depth = 0;
    this.flags = 0;
    return this.value(i);
  }

  /** The flags of the value valueAt checked last. */
  get valueFlagsAt(): number {
    return this.flags;
  }

  private space(i: number): number {
    const buf = this.buf;
    while (i < this.end && isSpace(buf[i])) i++;
    return i;
  }

  /** Any JSON value at `i`; the index after it, or -1. Flags of strings and numbers inside add to `flags`. */
  private value(i: number): number {
    const b = this.buf[i];
    if (b === QUOTE) {
      const flags = this.flags;
      const next = this.string(i);
      this.flags |= flags;
      return next;
    }
    if (b === OPEN_BRACE || b === OPEN_BRACKET) return this.container(i);
    if (b === 0x74) return bytesAre(this.buf, i, this.end, TRUE) ? i + 4 : -1;
    if (b === 0x66) return bytesAre(this.buf, i, this.end, FALSE) ? i + 5 : -1;
    if (b === 0x6e) return bytesAre(this.buf, i, this.end, NULL) ? i + 4 : -1;
    if (b === MINUS || isDigit(b)) {
      const flags = this.flags;
      const next = this.number(i);
      this.flags |= flags;
      return next;
    }
    return -1;
  }

  private container(i: number): number {
    if (++this.depth > MAX_DEPTH) return -1;
    const buf = this.buf;
    const open = i;
    const object = buf[i] === OPEN_BRACE;
    const close = object ? CLOSE_BRACE : CLOSE_BRACKET;
    i = this.space(i + 1);
    if (buf[i] === close) {
      this.depth--;
      return i + 1;
    }
    let members = 0;
    let unsorted = false;
    let lastKeyStart = 0;
    let lastKeyEnd = 0;
    // an object's members are noted while its values are scalars (UnsortedObjects)
    const noted = this.unsortedObjects;
    const firstMember = noted.members;
    let scalars = object;
    let member = -1;
    for (;;) {
      if (object) {
        if (buf[i] !== QUOTE) return -1;
        const flags = this.flags;
        const keyStart = i + 1;
        i = this.string(i);
        this.flags |= flags;
        if (i < 0) return -1;
        if (members++ > 0 && !unsorted && keyAfter(buf, lastKeyStart, lastKeyEnd, keyStart, i - 1)) unsorted = true;
        lastKeyStart = keyStart;
        lastKeyEnd = i - 1;
        i = this.space(i);
        if (buf[i] !== COLON) return -1;
        i = this.space(i + 1);
        if (scalars) {
          if (buf[i] === OPEN_BRACE || buf[i] === OPEN_BRACKET) {
            // the objects inside are noted on their own; this one's members no longer are
            scalars = false;
            noted.members = firstMember;
          } else member = noted.addMember(keyStart, lastKeyEnd);
        }
      }
      i = this.value(i);
      if (i < 0) return -1;
      if (scalars) noted.memberEnd[member] = i;
      i = this.space(i);
      if (buf[i] === COMMA) {
        i = this.space(i + 1);
        continue;
      }
      if (buf[i] !== close) return -1;
      this.depth--;
      if (unsorted) {
        noted.add(open, scalars ? firstMember : -1, members);
        if (members >= UNSORTED_MIN_MEMBERS) this.flags |= ValueFlag.Unsorted;
      } else if (scalars) noted.members = firstMember; // in order: nothing to note
      return i + 1;
    }
  }

  /** The string whose opening quote is at `i`; the index after its closing quote, or -1. Sets `flags`. */
  private string(i: number): number {
    const buf = this.buf;
    const end = this.end;
    let flags = 0;
    i++;
    for (;;) {
      while (i < end && STRING_CLASS[buf[i]!] === 0) i++;
      if (i >= end) return -1;
      const b = buf[i]!;
      if (b === QUOTE) {
        this.flags = flags;
        return i + 1;
      }
      if (b >= 0x80) {
        flags |= ValueFlag.NonAscii;
        i++;
      } else if (b === BACKSLASH) {
        flags |= ValueFlag.Escaped;
        const e = buf[i + 1];
        if (e === 0x75) {
          if (i + 6 > end || !HEX[buf[i + 2]!] || !HEX[buf[i + 3]!] || !HEX[buf[i + 4]!] || !HEX[buf[i + 5]!]) return -1;
          flags |= ValueFlag.UnicodeEscape;
          i += 6;
        } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          i += 2;
        } else return -1;
      } else return -1; // a control character
    }
  }

  /** The number at `i` (JSON's grammar); the index after it, or -1. Sets `flags`. */
  private number(i: number): number {
    const buf = this.buf;
    const end = this.end;
    const start = i;
    let flags = 0;
    if (buf[i] === MINUS) i++;
    const intStart = i;
    if (buf[i] === ZERO) i++;
    else if (isDigit(buf[i])) while (i < end && isDigit(buf[i])) i++;
    else return -1;
    let digits = i - intStart;
    let allZero = buf[intStart] === ZERO;
    if (buf[i] === DOT) {
      flags |= ValueFlag.Fraction;
      const fractionStart = ++i;
      while (i < end && isDigit(buf[i])) i++;
      if (i === fractionStart) return -1;
      digits += i - fractionStart;
      if (buf[i - 1] === ZERO) flags |= ValueFlag.NonCanonicalNumber;
      // below 1e-6 JSON.stringify writes an exponent
      if (allZero && i - fractionStart >= 7 && bytesAre(buf, fractionStart, fractionStart + 6, SIX_ZEROS))
        flags |= ValueFlag.NonCanonicalNumber;
      for (let k = fractionStart; k < i && allZero; k++) if (buf[k] !== ZERO) allZero = false;
    }
    const e = buf[i];
    if (e === 0x65 || e === 0x45) {
      flags |= ValueFlag.Fraction | ValueFlag.Exponent | ValueFlag.NonCanonicalNumber;
      i++;
      if (buf[i] === 0x2b || buf[i] === MINUS) i++;
      const expStart = i;
      while (i < end && isDigit(buf[i])) i++;
      if (i === expStart) return -1;
    }
    if (digits > 15 || (allZero && buf[start] === MINUS)) flags |= ValueFlag.NonCanonicalNumber;
    this.flags = flags;
    return i;
  }
}

const RECORD_KEY = ascii('record');
const DATA_KEY = ascii('data');
const META_KEY = ascii('meta');
const STREAM_KEY = ascii('stream');
const NAMESPACE_KEY = ascii('namespace');
const EMITTED_AT_KEY = ascii('emitted_at');
const SIX_ZEROS = ascii('000000');

/** The string of a key or value span that holds no escape. */
function spanText(buf: Buffer, start: number, end: number, flags: number): string {
  if ((flags & ValueFlag.Escaped) !== 0) return JSON.parse(buf.toString('utf8', start - 1, end + 1)) as string;
  return buf.toString((flags & ValueFlag.NonAscii) !== 0 ? 'utf8' : 'latin1', start, end);
}

/** The stream name of the last scan, as JSON.parse reads it. */
export const scannedStream = (scan: RecordScan): string => spanText(scan.buf, scan.streamStart, scan.streamEnd, scan.streamFlags);

/** The namespace of the last scan; undefined when absent, null or empty (as `record.namespace || undefined`). */
export function scannedNamespace(scan: RecordScan): string | undefined {
  if (scan.namespaceStart < 0 || scan.namespaceEnd === scan.namespaceStart) return undefined;
  return spanText(scan.buf, scan.namespaceStart, scan.namespaceEnd, scan.namespaceFlags) || undefined;
}

/**
 * Which of a fixed list of fields each scanned `data` entry is. Records of a stream mostly
 * list their fields in the same order, so each entry is first compared, byte for byte, with
 * the field the same entry was in the last record; only a miss decodes the key.
 */
export class FieldLookup {
  private readonly names: Buffer[];
  /** each name that JSON writes as its own bytes (printable ASCII, no quote or backslash) */
  private readonly plainNames: (Buffer | undefined)[];
  private readonly byName = new Map<string, number>();
  /** the field of each entry position in the last record; -1 for none */
  private lastOrder = new Int32Array(64).fill(-1);

  constructor(fields: readonly string[]) {
    this.names = fields.map((f) => Buffer.from(f, 'utf8'));
    this.plainNames = fields.map((f, i) => (/^[\x20-\x7e]*$/.test(f) && !/["\\]/.test(f) ? this.names[i] : undefined));
    fields.forEach((f, i) => this.byName.set(f, i));
  }

  /** The field the last record had at entry `n`, or -1. */
  expectedAt(n: number): number {
    return n < this.lastOrder.length ? this.lastOrder[n]! : -1;
  }

  plainName(field: number): Buffer | undefined {
    return this.plainNames[field];
  }

  /** Sets `entryOf[f]` to the entry holding field f, or -1; a key written twice takes its last entry, as JSON.parse does. */
  match(scan: RecordScan, entryOf: Int32Array): void {
    entryOf.fill(-1);
    const buf = scan.buf;
    if (scan.count > this.lastOrder.length) {
      const order = new Int32Array(scan.count * 2).fill(-1);
      order.set(this.lastOrder);
      this.lastOrder = order;
    }
    const hinted = scan.hinted === this;
    for (let n = 0; n < scan.count; n++) {
      if (hinted && scan.keyField[n]! >= 0) {
        entryOf[scan.keyField[n]!] = n;
        continue;
      }
      const start = scan.keyStart[n]!;
      const end = scan.keyEnd[n]!;
      let field = this.lastOrder[n]!;
      const name = field >= 0 ? this.names[field]! : undefined;
      // only a plain ASCII key is its own bytes
      if (name === undefined || scan.keyFlags[n] !== 0 || name.length !== end - start || !sameBytes(buf, start, name)) {
        field = this.byName.get(spanText(buf, start, end, scan.keyFlags[n]!)) ?? -1;
        this.lastOrder[n] = field;
      }
      if (field >= 0) entryOf[field] = n;
    }
  }
}

/** The bytes of `name` (from `from` to `to`, all of it by default) are at `start` of `buf` (the caller checked the length). */
export function sameBytes(buf: Buffer, start: number, name: Buffer, from = 0, to = name.length): boolean {
  for (let k = from; k < to; k++) if (buf[start++] !== name[k]) return false;
  return true;
}
