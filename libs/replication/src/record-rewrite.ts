/**
 * Renaming and trimming RECORD lines without parsing them. A record's stream and namespace
 * are all in the line's prefix (through `"data":{`) in the usual serialisations, and
 * RecordPeeker finds and caches that prefix per stream; renaming a record is then writing the
 * stream's new prefix followed by the rest of the line, untouched.
 *
 * One common case has more: Python's CDK prints the namespace after `data` and
 * `emitted_at`, as the record's last member. It is found by reading the line backwards from
 * its end (`}` of the record, `}` of the message), and cut out, since the new prefix
 * already names the namespace.
 *
 * Trimming (field selection, see SelectedFields): for a stream with a selection, the members
 * of `data` are walked from the prefix on, and only the selected ones are kept, byte for byte.
 *
 * After a hit, the line to send is `head` (if any) followed by `pieces` of the line. Anything
 * the rewriter is not sure about is left to the caller's full parse (NOT_SURE), which is
 * always right.
 */
import { LinePieces, scanMembers, type SelectedFields } from './field-selection.js';
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
  /** after a hit: what is sent before the pieces (a renamed stream's new prefix); undefined: nothing */
  head: Buffer | undefined = undefined;
  /** after a hit: the ranges of the line sent after head, in order; the last one ends where the line does */
  readonly pieces = new LinePieces();
  /** after a hit: some fields of the record's data were dropped */
  trimmed = false;
  /** set by trailingNamespace: [cutStart, cutEnd) is dropped from the line */
  private cutStart = 0;
  private cutEnd = 0;

  /**
   * heads: per configured stream, its records' new prefix (undefined: keeps its name);
   * namespaced: per configured stream, whether it has a namespace in the source;
   * selected: the streams whose records keep only some fields (undefined: none).
   */
  constructor(
    private readonly peeker: RecordPeeker,
    private readonly heads: (Buffer | undefined)[],
    private readonly namespaced: boolean[],
    private readonly selected?: SelectedFields,
  ) {}

  /** The configured stream of the RECORD line buf[start, end), with head/pieces/trimmed set; or NOT_SURE. */
  peek(buf: Buffer, start: number, end: number): number {
    const peeker = this.peeker;
    const pieces = this.pieces;
    pieces.reset();
    const index = peeker.peekPrefix(buf, start, end);
    if (index === NOT_SURE) {
      // another key order or spacing: fine for a stream that goes as it is, else a full parse changes it
      const other = peeker.peek(buf, start, end);
      if (other === NOT_SURE || this.heads[other] !== undefined || this.selected?.fieldsOf(other) !== undefined) return NOT_SURE;
      this.head = undefined;
      this.trimmed = false;
      pieces.add(start, end);
      return other;
    }
    const head = this.heads[index];
    this.head = head;
    const bodyStart = start + peeker.prefixLength;
    if (head === undefined) pieces.add(start, bodyStart);
    // where the rest of the line, after the kept members of data, starts
    let rest = bodyStart;
    const keep = this.selected?.fieldsOf(index);
    this.trimmed = keep !== undefined;
    if (keep !== undefined) {
      rest = scanMembers(buf, bodyStart, end, keep, pieces);
      if (rest < 0) return NOT_SURE;
    }
    if (head !== undefined && !peeker.prefixHasNamespace) {
      if (this.trailingNamespace(buf, rest, end)) {
        pieces.add(rest, this.cutStart);
        pieces.add(this.cutEnd, end);
        return index;
      }
      // no namespace in sight: right for a stream without one; for one with a namespace it may sit
      // elsewhere after `data` (or be missing), which only a full parse can tell
      if (this.namespaced[index]) return NOT_SURE;
    }
    pieces.add(rest, end);
    return index;
  }

  /** After a hit: the bytes sent for the line (its terminator aside). */
  sentBytes(): number {
    return (this.head?.length ?? 0) + this.pieces.bytes();
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
