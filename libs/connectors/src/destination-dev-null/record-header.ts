/**
 * Recognising a RECORD line and finding its stream without parsing the line: a
 * destination that only counts must not JSON.parse hundreds of MB/s. Handles the
 * layouts real emitters use: `{"type":"RECORD","record":{"stream":...` (our SDK,
 * source-sample, the Python CDK's orjson) and Python's json.dumps spacing, with an
 * optional "namespace" next to "stream". Anything else is left to a full parse.
 * (A "namespace" that comes only after "data" is not seen: no emitter we know does that.)
 */

const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const SPACE = 0x20;
const BACKSLASH = 0x5c;

const RECORD_PREFIXES = [Buffer.from('{"type":"RECORD","record":{'), Buffer.from('{"type": "RECORD", "record": {')];
const STREAM_KEY = Buffer.from('stream');
const NAMESPACE_KEY = Buffer.from('namespace');
const NULL = Buffer.from('null');

export const NOT_A_RECORD = -1;
export const RECORD_WITH_UNUSUAL_LAYOUT = 0;

/** where the stream/namespace keys of a RECORD line are: `[start, end)`, e.g. `"stream":"users"` */
export interface RecordHeader {
  start: number;
  end: number;
}

function startsWith(buf: Buffer, at: number, end: number, expected: Buffer): boolean {
  if (end - at < expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (buf[at + i] !== expected[i]) return false;
  return true;
}

function skipSpaces(buf: Buffer, at: number, end: number): number {
  while (at < end && buf[at] === SPACE) at++;
  return at;
}

/** end of a JSON string starting at the quote `at` (one past its closing quote), or -1 if it has escapes or no end */
function endOfPlainString(buf: Buffer, at: number, end: number): number {
  const close = buf.indexOf(QUOTE, at + 1);
  if (close === -1 || close >= end) return -1;
  for (let i = at + 1; i < close; i++) if (buf[i] === BACKSLASH) return -1;
  return close + 1;
}

/**
 * Reads the line `buf[start, end)`. Returns NOT_A_RECORD, RECORD_WITH_UNUSUAL_LAYOUT
 * (a record whose stream is not among the leading keys: parse it), or the end of the
 * header, filling `header` with its bounds.
 */
export function readRecordHeader(buf: Buffer, start: number, end: number, header: RecordHeader): number {
  let prefix: Buffer | undefined;
  for (const candidate of RECORD_PREFIXES) {
    if (startsWith(buf, start, end, candidate)) {
      prefix = candidate;
      break;
    }
  }
  if (!prefix) return NOT_A_RECORD;

  const headerStart = start + prefix.length;
  let at = headerStart;
  let headerEnd = -1;
  let sawStream = false;
  // at most two leading keys matter: "stream" and "namespace", in either order
  for (let keys = 0; keys < 2; keys++) {
    at = skipSpaces(buf, at, end);
    if (buf[at] !== QUOTE) break;
    const isStream = startsWith(buf, at + 1, end, STREAM_KEY) && buf[at + 1 + STREAM_KEY.length] === QUOTE;
    const isNamespace = !isStream && startsWith(buf, at + 1, end, NAMESPACE_KEY) && buf[at + 1 + NAMESPACE_KEY.length] === QUOTE;
    if (!isStream && !isNamespace) break;
    at = skipSpaces(buf, at + 2 + (isStream ? STREAM_KEY.length : NAMESPACE_KEY.length), end);
    if (buf[at] !== COLON) return RECORD_WITH_UNUSUAL_LAYOUT;
    at = skipSpaces(buf, at + 1, end);
    if (buf[at] === QUOTE) {
      at = endOfPlainString(buf, at, end);
      if (at === -1) return RECORD_WITH_UNUSUAL_LAYOUT;
    } else if (isNamespace && startsWith(buf, at, end, NULL)) {
      at += NULL.length;
    } else {
      return RECORD_WITH_UNUSUAL_LAYOUT;
    }
    if (isStream) sawStream = true;
    headerEnd = at;
    at = skipSpaces(buf, at, end);
    if (buf[at] !== COMMA) break;
    at++;
  }
  if (!sawStream) return RECORD_WITH_UNUSUAL_LAYOUT;
  header.start = headerStart;
  header.end = headerEnd;
  return headerEnd;
}
