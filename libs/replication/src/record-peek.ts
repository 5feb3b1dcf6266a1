/**
 * Recognising RECORD lines without parsing them: records are forwarded as raw bytes, so all
 * the engine needs is "is this a record, and of which configured stream". The rest of the
 * line is not validated (that would cost a full parse); a destination rejects broken JSON.
 * peek() answers only when it is sure; anything unusual (escapes in keys or names, an unknown stream,
 * `record` before `type`, a line not ending in `}`) returns NOT_SURE and the caller falls
 * back to a full JSON parse, which is always correct.
 *
 * Two exact prefixes cover what connectors print in practice (compact JSON from our SDK,
 * orjson and Jackson; `json.dumps`' spaced form from older Python); a small tokenizer
 * handles any other key order or spacing.
 */
import type { StreamCatalog } from './stream-catalog.js';

export const NOT_SURE = -1;

const COMPACT = Buffer.from('{"type":"RECORD","record":{"stream":"');
const SPACED = Buffer.from('{"type": "RECORD", "record": {"stream": "');
// what follows the stream name's closing quote in each form
const COMPACT_DATA = Buffer.from('","data":{');
const SPACED_DATA = Buffer.from('", "data": {');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

const isWs = (b: number | undefined): boolean => b === SPACE || b === TAB || b === LF || b === CR;

function skipWs(buf: Buffer, p: number, end: number): number {
  while (p < end && isWs(buf[p])) p++;
  return p;
}

function startsWith(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  const n = prefix.length;
  if (end - start < n) return false;
  for (let i = 0; i < n; i++) if (buf[start + i] !== prefix[i]) return false;
  return true;
}

/** End (exclusive) of the string whose opening quote is at p, or -1 past `end`. */
function skipString(buf: Buffer, p: number, end: number): number {
  p++;
  for (;;) {
    const q = buf.indexOf(QUOTE, p);
    if (q === -1 || q >= end) return -1;
    let backslashes = 0;
    for (let i = q - 1; i >= p && buf[i] === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    p = q + 1;
  }
}

/** End (exclusive) of the JSON value starting at p, or -1 if it runs past `end`. */
function skipValue(buf: Buffer, p: number, end: number): number {
  const first = buf[p];
  if (first === QUOTE) return skipString(buf, p, end);
  if (first === LBRACE || first === LBRACKET) {
    let depth = 0;
    while (p < end) {
      const b = buf[p];
      if (b === QUOTE) {
        p = skipString(buf, p, end);
        if (p < 0) return -1;
        continue;
      }
      if (b === LBRACE || b === LBRACKET) depth++;
      else if (b === RBRACE || b === RBRACKET) {
        depth--;
        if (depth === 0) return p + 1;
      }
      p++;
    }
    return -1;
  }
  // number, true, false, null
  while (p < end) {
    const b = buf[p];
    if (b === COMMA || b === RBRACE || b === RBRACKET || isWs(b)) return p;
    p++;
  }
  return -1;
}

/** A string without escapes at p: [value, end] ; undefined when it has escapes or is not a string. */
function readPlainString(buf: Buffer, p: number, end: number): [string, number] | undefined {
  if (buf[p] !== QUOTE) return undefined;
  const q = buf.indexOf(QUOTE, p + 1);
  if (q === -1 || q >= end) return undefined;
  const b = buf.indexOf(BACKSLASH, p + 1);
  if (b !== -1 && b < q) return undefined;
  return [buf.toString('utf8', p + 1, q), q + 1];
}

const NULL_LITERAL = Buffer.from('null');

export class RecordPeeker {
  // the last stream seen on the fast path, as bytes: consecutive records usually share it
  private lastName: Buffer = Buffer.alloc(0);
  private lastIndex = NOT_SURE;

  constructor(private readonly catalog: StreamCatalog) {}

  /**
   * The configured stream index of the RECORD line buf[start, end) (no line terminator),
   * or NOT_SURE. Never wrong when it answers: a line it accepts is a RECORD of that stream
   * in whatever a JSON parser would make of it, duplicate keys aside.
   */
  peek(buf: Buffer, start: number, end: number): number {
    // a cheap guard against truncated or concatenated lines
    if (buf[end - 1] !== RBRACE) return NOT_SURE;
    let p: number;
    let dataMark: Buffer;
    if (startsWith(buf, start, end, COMPACT)) {
      p = start + COMPACT.length;
      dataMark = COMPACT_DATA;
    } else if (startsWith(buf, start, end, SPACED)) {
      p = start + SPACED.length;
      dataMark = SPACED_DATA;
    } else return this.general(buf, start, end);

    let index: number;
    let q: number; // the name's closing quote
    // same stream as the previous record?
    const last = this.lastName;
    const n = last.length;
    let i = 0;
    if (n > 0 && p + n < end && buf[p + n] === QUOTE) while (i < n && buf[p + i] === last[i]) i++;
    if (n > 0 && i === n) {
      index = this.lastIndex;
      q = p + n;
    } else {
      q = buf.indexOf(QUOTE, p);
      if (q === -1 || q >= end) return NOT_SURE;
      const bs = buf.indexOf(BACKSLASH, p);
      if (bs !== -1 && bs < q) return NOT_SURE;
      const ref = this.catalog.uniqueByName(buf.toString('utf8', p, q));
      // unknown, or a name shared by several namespaces: the general path decides
      if (!ref) return this.general(buf, start, end);
      this.lastName = Buffer.from(buf.subarray(p, q));
      this.lastIndex = ref.index;
      index = ref.index;
    }
    // `data` must follow as an object, as in every serialiser we know; else look closer
    if (!startsWith(buf, q, end, dataMark)) return this.general(buf, start, end);
    return index;
  }

  /** Walks the top-level keys (`type` must come before `record`), skipping other values. */
  private general(buf: Buffer, start: number, end: number): number {
    let p = skipWs(buf, start, end);
    if (buf[p] !== LBRACE) return NOT_SURE;
    p++;
    let typeIsRecord = false;
    for (;;) {
      p = skipWs(buf, p, end);
      const key = readPlainString(buf, p, end);
      if (!key) return NOT_SURE;
      p = skipWs(buf, key[1], end);
      if (buf[p] !== COLON) return NOT_SURE;
      p = skipWs(buf, p + 1, end);
      if (key[0] === 'type') {
        const value = readPlainString(buf, p, end);
        if (!value || value[0] !== 'RECORD') return NOT_SURE;
        typeIsRecord = true;
        p = value[1];
      } else if (key[0] === 'record') {
        return typeIsRecord ? this.recordBody(buf, p, end) : NOT_SURE;
      } else {
        p = skipValue(buf, p, end);
        if (p < 0) return NOT_SURE;
      }
      p = skipWs(buf, p, end);
      if (buf[p] !== COMMA) return NOT_SURE; // end of message without a record
      p++;
    }
  }

  /**
   * Finds `stream` (and `namespace` when the name is ambiguous) in the record object at p,
   * and the start of an object `data`.
   */
  private recordBody(buf: Buffer, p: number, end: number): number {
    if (buf[p] !== LBRACE) return NOT_SURE;
    p++;
    let stream: string | undefined;
    let namespace: string | null | undefined; // undefined: not seen yet
    let needNamespace = false;
    let sawData = false;
    for (;;) {
      p = skipWs(buf, p, end);
      if (buf[p] === RBRACE) break; // end of record: an absent namespace is null
      const key = readPlainString(buf, p, end);
      if (!key) return NOT_SURE;
      p = skipWs(buf, key[1], end);
      if (buf[p] !== COLON) return NOT_SURE;
      p = skipWs(buf, p + 1, end);
      if (key[0] === 'stream') {
        const value = readPlainString(buf, p, end);
        if (!value) return NOT_SURE;
        stream = value[0];
        if (!this.catalog.has(stream)) return NOT_SURE;
        needNamespace = this.catalog.isAmbiguous(stream);
        p = value[1];
      } else if (key[0] === 'namespace') {
        if (startsWith(buf, p, end, NULL_LITERAL)) {
          namespace = null;
          p += NULL_LITERAL.length;
        } else {
          const value = readPlainString(buf, p, end);
          if (!value) return NOT_SURE;
          namespace = value[0];
          p = value[1];
        }
      } else if (key[0] === 'data') {
        // record.data must be an object (what decodeLine checks); its end is not looked for
        if (buf[p] !== LBRACE) return NOT_SURE;
        sawData = true;
        if (stream !== undefined && (!needNamespace || namespace !== undefined)) break;
        p = skipValue(buf, p, end);
        if (p < 0) return NOT_SURE;
      } else {
        p = skipValue(buf, p, end);
        if (p < 0) return NOT_SURE;
      }
      if (sawData && stream !== undefined && (!needNamespace || namespace !== undefined)) break;
      p = skipWs(buf, p, end);
      if (buf[p] === RBRACE) break;
      if (buf[p] !== COMMA) return NOT_SURE;
      p++;
    }
    if (stream === undefined || !sawData) return NOT_SURE;
    return this.catalog.lookup(stream, namespace)?.index ?? NOT_SURE;
  }
}
