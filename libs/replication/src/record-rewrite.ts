/**
 * Renaming RECORD lines without parsing them. A record's stream and namespace are all in
 * the line's prefix (through `"data":{`) in the usual serialisations, and RecordPeeker
 * finds and caches that prefix per stream; renaming a record is then writing the stream's
 * new prefix followed by the rest of the line, untouched.
 *
 * One common case has more: Python's CDK prints the namespace after `data` and
 * `emitted_at`, as the record's last member. It is found by reading the line backwards from
 * its end (`}` of the record, `}` of the message), and cut out, since the new prefix
 * already names the namespace. Anything else the rewriter is not sure about is left to the
 * caller's full parse (NOT_SURE), which is always right.
 */
import { NOT_SURE, type RecordPeeker } from './record-peek.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const RBRACE = 0x7d;
const COLON = 0x3a;
const COMMA = 0x2c;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

const NAMESPACE_KEY = Buffer.from('"namespace"');
const NULL_LITERAL = Buffer.from('null');

/** The last non-whitespace byte at or before p (not before `floor`); floor - 1 when none. */
function skipWsBack(buf: Buffer, p: number, floor: number): number {
  while (p >= floor) {
    const b = buf[p];
    if (b !== SPACE && b !== TAB && b !== LF && b !== CR) return p;
    p--;
  }
  return p;
}

function bytesAt(buf: Buffer, p: number, expected: Buffer): boolean {
  for (let i = 0; i < expected.length; i++) if (buf[p + i] !== expected[i]) return false;
  return true;
}

/** The opening quote of the string whose closing quote is at q; -1 when not found after floor. */
function openingQuote(buf: Buffer, q: number, floor: number): number {
  for (let p = q - 1; p >= floor; p--) {
    if (buf[p] !== QUOTE) continue;
    let backslashes = 0;
    for (let i = p - 1; i >= floor && buf[i] === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return p;
  }
  return -1;
}

export class RecordRewriter {
  /** after a hit: what replaces the line's start, through `data`'s brace; undefined: the line goes as it is */
  head: Buffer | undefined = undefined;
  /** after a hit with a head: where the kept part of the line starts (`data`'s value, after its brace) */
  bodyStart = 0;
  /** after a hit with a head: [cutStart, cutEnd) is dropped from the line (a trailing namespace); equal when nothing is */
  cutStart = 0;
  cutEnd = 0;

  /**
   * heads: per configured stream, its records' new prefix (undefined: keeps its name);
   * namespaced: per configured stream, whether it has a namespace in the source.
   */
  constructor(
    private readonly peeker: RecordPeeker,
    private readonly heads: (Buffer | undefined)[],
    private readonly namespaced: boolean[],
  ) {}

  /** The configured stream of the RECORD line buf[start, end), with head/bodyStart/cut set; or NOT_SURE. */
  peek(buf: Buffer, start: number, end: number): number {
    const peeker = this.peeker;
    const index = peeker.peekPrefix(buf, start, end);
    if (index === NOT_SURE) {
      // another key order or spacing: fine for a stream that keeps its name, else a full parse renames it
      const other = peeker.peek(buf, start, end);
      if (other === NOT_SURE || this.heads[other] !== undefined) return NOT_SURE;
      this.head = undefined;
      return other;
    }
    const head = this.heads[index];
    this.head = head;
    if (head === undefined) return index;
    const bodyStart = start + peeker.prefixLength;
    this.bodyStart = bodyStart;
    this.cutStart = this.cutEnd = end;
    if (peeker.prefixHasNamespace || this.trailingNamespace(buf, bodyStart, end)) return index;
    // no namespace in sight: right for a stream without one; for one with a namespace it may sit
    // elsewhere after `data` (or be missing), which only a full parse can tell
    return this.namespaced[index] ? NOT_SURE : index;
  }

  /**
   * Finds a `,"namespace":"…"` (or `: null`) as the record's last member, reading back from
   * the end: `}` closing the message, `}` closing the record. Sets [cutStart, cutEnd).
   * (Were the message to have a member after `record`, that is the object looked at: the
   * record would keep its own namespace key, never lose bytes of `data`.)
   */
  private trailingNamespace(buf: Buffer, floor: number, end: number): boolean {
    // buf[end - 1] is the message's `}` (peek checked)
    let p = skipWsBack(buf, end - 2, floor);
    if (p < floor || buf[p] !== RBRACE) return false;
    const recordEnd = p;
    p = skipWsBack(buf, p - 1, floor);
    if (p < floor) return false;
    if (buf[p] === QUOTE) p = openingQuote(buf, p, floor) - 1;
    else if (p - 3 >= floor && bytesAt(buf, p - 3, NULL_LITERAL)) p -= 4;
    else return false;
    p = skipWsBack(buf, p, floor);
    if (p < floor || buf[p] !== COLON) return false;
    p = skipWsBack(buf, p - 1, floor);
    const keyStart = p - NAMESPACE_KEY.length + 1;
    if (keyStart < floor || !bytesAt(buf, keyStart, NAMESPACE_KEY)) return false;
    // a comma before the key: the key's opening quote is not an escaped one, and a member precedes
    p = skipWsBack(buf, keyStart - 1, floor);
    if (p < floor || buf[p] !== COMMA) return false;
    this.cutStart = p;
    this.cutEnd = recordEnd;
    return true;
  }
}
