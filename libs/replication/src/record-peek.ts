/**
 * Recognising RECORD lines without parsing them: records are forwarded as raw bytes, so all
 * the engine needs is "is this a record, and of which configured stream". The rest of the
 * line is not validated (that would cost a full parse); a destination rejects broken JSON.
 * peek() answers only when it is sure; anything unusual (escapes in keys or names, an
 * unknown stream, `record` before `type`, a line not ending in `}`) returns NOT_SURE and
 * the caller falls back to a full JSON parse, which is always correct.
 *
 * Exact byte patterns cover what connectors print in practice: compact JSON (our SDK,
 * orjson, Jackson) and Python json.dumps' spaced form, with `stream` and/or `namespace`
 * (either order) before `data`. A small tokenizer handles any other key order or spacing,
 * e.g. a namespace after `data` when the namespace is needed to tell two streams apart.
 */
import type { StreamCatalog } from './stream-catalog.js';

export const NOT_SURE = -1;
const GENERAL = -2;

/** Constant bytes, also as little-endian 32-bit words: compared four bytes at a time. */
class Pattern {
  readonly bytes: Buffer;
  readonly words: Uint32Array;
  readonly length: number;

  constructor(text: string | Buffer) {
    this.bytes = Buffer.from(text);
    this.length = this.bytes.length;
    this.words = new Uint32Array(this.length >>> 2);
    for (let i = 0; i < this.words.length; i++) this.words[i] = this.bytes.readUInt32LE(i * 4);
  }
}

/** The fixed bytes of one serialisation style. */
interface Form {
  /** `{"type":"RECORD","record":{"` */
  head: Pattern;
  /** `stream":"` right after the head */
  streamKey: Pattern;
  /** `namespace":"` right after the head */
  namespaceKey: Pattern;
  /** after a string value's closing quote: `","stream":"` */
  thenStream: Pattern;
  thenNamespace: Pattern;
  /** `","data":{` */
  thenData: Pattern;
}

function form(colon: string, comma: string): Form {
  const p = (s: string) => new Pattern(s);
  return {
    head: p(`{"type"${colon}"RECORD"${comma}"record"${colon}{"`),
    streamKey: p(`stream"${colon}"`),
    namespaceKey: p(`namespace"${colon}"`),
    thenStream: p(`"${comma}"stream"${colon}"`),
    thenNamespace: p(`"${comma}"namespace"${colon}"`),
    thenData: p(`"${comma}"data"${colon}{`),
  };
}

/** compact (our SDK, orjson, Jackson) and Python's json.dumps default `, ` and `: ` */
const COMPACT = form(':', ',');
const SPACED = form(': ', ', ');

/** How many (stream, namespace) spellings the fast path remembers. */
const CACHE_SIZE = 32;
/** How many whole line prefixes (`{"type":"RECORD",...,"data":{`) it compares first. */
const PREFIX_CACHE_SIZE = 8;

interface CachedStream {
  name: Buffer;
  /** undefined: the line had no namespace before `data` */
  namespace: Buffer | undefined;
  index: number;
}

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

export function skipWs(buf: Buffer, p: number, end: number): number {
  while (p < end && isWs(buf[p])) p++;
  return p;
}

function startsWith(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  const n = prefix.length;
  if (end - start < n) return false;
  for (let i = 0; i < n; i++) if (buf[start + i] !== prefix[i]) return false;
  return true;
}

/** buf[p, p + pattern.length) equals the pattern; `view` is a DataView over buf. */
function matches(view: DataView, buf: Buffer, p: number, end: number, pattern: Pattern): boolean {
  const n = pattern.length;
  if (end - p < n) return false;
  const words = pattern.words;
  const w = words.length;
  for (let i = 0; i < w; i++) if (view.getUint32(p + 4 * i, true) !== words[i]) return false;
  const bytes = pattern.bytes;
  for (let i = w * 4; i < n; i++) if (buf[p + i] !== bytes[i]) return false;
  return true;
}

function equalBytes(buf: Buffer, p: number, expected: Buffer): boolean {
  const n = expected.length;
  for (let i = 0; i < n; i++) if (buf[p + i] !== expected[i]) return false;
  return true;
}

/** How far skipString looks byte by byte before handing over to indexOf (a native call each time). */
const SHORT_STRING = 48;

/** End (exclusive) of the string whose opening quote is at p, or -1 past `end`. */
export function skipString(buf: Buffer, p: number, end: number): number {
  // most keys and values are short: a byte loop finds their end sooner than indexOf
  const shortEnd = Math.min(end, p + 1 + SHORT_STRING);
  p++;
  while (p < shortEnd) {
    const b = buf[p];
    if (b === QUOTE) return p + 1;
    p += b === BACKSLASH ? 2 : 1;
  }
  if (p >= end) return -1;
  // p is past whole escapes: a backslash run before a quote from here on starts at p or later
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
export function skipValue(buf: Buffer, p: number, end: number): number {
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
  const q = plainStringEnd(buf, p + 1, end);
  return q === -1 ? undefined : [buf.toString('utf8', p + 1, q), q + 1];
}

/** The closing quote of an escape-free string whose content starts at p; -1 otherwise. */
function plainStringEnd(buf: Buffer, p: number, end: number): number {
  // a byte loop: names are short, and indexOf(BACKSLASH) could scan the whole chunk
  for (let i = p; i < end; i++) {
    const b = buf[i];
    if (b === QUOTE) return i;
    if (b === BACKSLASH) return -1;
  }
  return -1;
}

const NULL_LITERAL = Buffer.from('null');

export class RecordPeeker {
  /** recently seen stream spellings: most records repeat one of a few */
  private readonly cache: CachedStream[] = [];
  private cacheNext = 0;
  /**
   * Recently seen line prefixes up to the start of `data`, with their stream: one compare
   * settles most lines (a stream's records all start the same way).
   */
  private readonly prefixes: Pattern[] = [];
  private readonly prefixIndex: number[] = [];
  /** whether each remembered prefix names the namespace (else it may come after `data`) */
  private readonly prefixNamespace: boolean[] = [];
  private prefixNext = 0;
  /** where parsePrefix found `data`'s opening brace (+1): the end of a prefix to remember */
  private prefixEnd = 0;
  /** whether the prefix parsePrefix just read names the namespace */
  private parsedNamespace = false;

  /** After peekPrefix answered: the bytes of the line's prefix, through `data`'s opening brace. */
  prefixLength = 0;
  /** After peekPrefix answered: whether that prefix names the namespace. */
  prefixHasNamespace = false;
  // a DataView over the buffer being peeked, made once per chunk
  private viewOf: Buffer | undefined;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

  constructor(private readonly catalog: StreamCatalog) {}

  /**
   * The configured stream index of the RECORD line buf[start, end) (no line terminator),
   * or NOT_SURE. Never wrong when it answers: a line it accepts is a RECORD of that stream
   * in whatever a JSON parser would make of it, duplicate keys aside.
   */
  peek(buf: Buffer, start: number, end: number): number {
    // a cheap guard against truncated or concatenated lines
    if (buf[end - 1] !== RBRACE) return NOT_SURE;
    const index = this.fast(buf, start, end);
    return index === GENERAL ? this.general(buf, start, end) : index;
  }

  /**
   * The exact-bytes path: `type` then `record`, whose first keys are `stream` and/or
   * `namespace` (either order) followed by `data`, in one of the two styles. GENERAL
   * when the tokenizer should have a look.
   */
  private fast(buf: Buffer, start: number, end: number): number {
    if (buf !== this.viewOf) {
      this.viewOf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const view = this.view;
    const prefixes = this.prefixes;
    for (let k = 0; k < prefixes.length; k++) {
      if (matches(view, buf, start, end, prefixes[k]!)) return this.prefixIndex[k]!;
    }
    const index = this.parsePrefix(view, buf, start, end);
    if (index >= 0) this.rememberPrefix(buf.subarray(start, this.prefixEnd), index);
    return index;
  }

  /**
   * Like peek, but answers only for the exact-bytes form (`stream` and/or `namespace`, then
   * `data`), and says where `data` starts (prefixLength) and whether the prefix holds the
   * namespace (prefixHasNamespace): what a caller needs to rewrite the prefix alone.
   */
  peekPrefix(buf: Buffer, start: number, end: number): number {
    if (buf[end - 1] !== RBRACE) return NOT_SURE;
    if (buf !== this.viewOf) {
      this.viewOf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const prefixes = this.prefixes;
    for (let k = 0; k < prefixes.length; k++) {
      const prefix = prefixes[k]!;
      if (!matches(this.view, buf, start, end, prefix)) continue;
      this.prefixLength = prefix.length;
      this.prefixHasNamespace = this.prefixNamespace[k]!;
      return this.prefixIndex[k]!;
    }
    const index = this.parsePrefix(this.view, buf, start, end);
    if (index < 0) return NOT_SURE;
    this.rememberPrefix(buf.subarray(start, this.prefixEnd), index);
    this.prefixLength = this.prefixEnd - start;
    this.prefixHasNamespace = this.parsedNamespace;
    return index;
  }

  /** Remembers the line's bytes up to `data":{`, the same for all records of a stream. */
  private rememberPrefix(prefix: Buffer, index: number): void {
    const pattern = new Pattern(prefix);
    if (this.prefixes.length < PREFIX_CACHE_SIZE) {
      this.prefixes.push(pattern);
      this.prefixIndex.push(index);
      this.prefixNamespace.push(this.parsedNamespace);
    } else {
      this.prefixes[this.prefixNext] = pattern;
      this.prefixIndex[this.prefixNext] = index;
      this.prefixNamespace[this.prefixNext] = this.parsedNamespace;
      this.prefixNext = (this.prefixNext + 1) % PREFIX_CACHE_SIZE;
    }
  }

  /** The exact-bytes path proper, for a prefix not seen recently. */
  private parsePrefix(view: DataView<ArrayBufferLike>, buf: Buffer, start: number, end: number): number {
    let f: Form;
    if (matches(view, buf, start, end, COMPACT.head)) f = COMPACT;
    else if (matches(view, buf, start, end, SPACED.head)) f = SPACED;
    else return GENERAL;
    const p = start + f.head.length;

    let nameStart: number;
    let nsStart = -1;
    let nsEnd = -1;
    if (matches(view, buf, p, end, f.streamKey)) {
      nameStart = p + f.streamKey.length;
    } else if (matches(view, buf, p, end, f.namespaceKey)) {
      nsStart = p + f.namespaceKey.length;
      nsEnd = plainStringEnd(buf, nsStart, end);
      if (nsEnd === -1 || !matches(view, buf, nsEnd, end, f.thenStream)) return GENERAL;
      nameStart = nsEnd + f.thenStream.length;
    } else return GENERAL;
    const nameEnd = plainStringEnd(buf, nameStart, end);
    if (nameEnd === -1) return GENERAL;
    let afterStrings = nameEnd;
    if (nsStart === -1 && matches(view, buf, nameEnd, end, f.thenNamespace)) {
      nsStart = nameEnd + f.thenNamespace.length;
      nsEnd = plainStringEnd(buf, nsStart, end);
      if (nsEnd === -1) return GENERAL;
      afterStrings = nsEnd;
    }
    // `data` must follow as an object, as in every serialiser we know; else look closer
    if (!matches(view, buf, afterStrings, end, f.thenData)) return GENERAL;
    this.prefixEnd = afterStrings + f.thenData.length;
    this.parsedNamespace = nsStart !== -1;

    const nameLength = nameEnd - nameStart;
    const nsLength = nsEnd - nsStart; // 0 when absent (-1 - -1)
    const cache = this.cache;
    for (let k = 0; k < cache.length; k++) {
      const c = cache[k]!;
      if (c.name.length !== nameLength || !equalBytes(buf, nameStart, c.name)) continue;
      const ns = c.namespace;
      if (ns === undefined ? nsStart !== -1 : nsStart === -1 || ns.length !== nsLength || !equalBytes(buf, nsStart, ns)) continue;
      return c.index;
    }
    return this.resolve(buf, nameStart, nameEnd, nsStart, nsEnd);
  }

  /** The stream of a name (and namespace, when seen: nsStart >= 0); GENERAL when unsure. */
  private resolve(buf: Buffer, nameStart: number, nameEnd: number, nsStart: number, nsEnd: number): number {
    const hasNs = nsStart >= 0;
    const name = buf.toString('utf8', nameStart, nameEnd);
    // without a namespace in front, a name shared by several namespaces needs the general path
    // (the namespace may come after data); an unknown name goes there too
    const ref = hasNs ? this.catalog.lookup(name, buf.toString('utf8', nsStart, nsEnd)) : this.catalog.uniqueByName(name);
    if (!ref) return GENERAL;
    const entry: CachedStream = {
      name: Buffer.from(buf.subarray(nameStart, nameEnd)),
      namespace: hasNs ? Buffer.from(buf.subarray(nsStart, nsEnd)) : undefined,
      index: ref.index,
    };
    if (this.cache.length < CACHE_SIZE) this.cache.push(entry);
    else {
      this.cache[this.cacheNext] = entry;
      this.cacheNext = (this.cacheNext + 1) % CACHE_SIZE;
    }
    return ref.index;
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
