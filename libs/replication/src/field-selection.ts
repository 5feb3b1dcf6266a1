/**
 * The engine's side of field selection: which configured streams keep only some top-level
 * fields of their records' `data`, and how a record loses the others on its way to the
 * destination. Only made when some stream has a selection: otherwise nothing here runs.
 *
 * Two ways to trim a record:
 * - scanMembers, on the raw line, when the record's prefix through `"data":{` is known
 *   (RecordRewriter, the usual case): the kept members are copied byte for byte (no number or
 *   string is re-encoded), the others skipped; several times faster than a parse;
 * - data(), on a parsed record (the engine's full-parse path), for lines in an unusual shape;
 *   the record is then re-serialised, as a renamed record on that path is.
 */
import type { StreamFieldSelection } from '@tributary/domain';
import { skipString, skipValue, skipWs } from './record-peek.js';
import type { StreamCatalog } from './stream-catalog.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const RBRACE = 0x7d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** Ranges [from, to) of a line, in order; adjacent ranges are merged. */
export class LinePieces {
  /** from, to, from, to, ... (the first `count` pairs are valid) */
  readonly bounds: number[] = [];
  count = 0;

  reset(): void {
    this.count = 0;
  }

  add(from: number, to: number): void {
    if (from >= to) return;
    const n = this.count * 2;
    if (n > 0 && this.bounds[n - 1] === from) {
      this.bounds[n - 1] = to;
      return;
    }
    this.bounds[n] = from;
    this.bounds[n + 1] = to;
    this.count++;
  }

  /** The bytes the pieces cover. */
  bytes(): number {
    let sum = 0;
    for (let k = 0; k < this.count * 2; k += 2) sum += this.bounds[k + 1]! - this.bounds[k]!;
    return sum;
  }
}

/** The fields a stream keeps: by name, and as the UTF-8 bytes an unescaped key spells them with. */
export class KeptFields {
  readonly names: ReadonlySet<string>;
  private readonly spelled: Buffer[];

  constructor(fields: readonly string[]) {
    this.names = new Set(fields);
    this.spelled = [...this.names].map((f) => Buffer.from(f));
  }

  /**
   * Whether the object key whose opening quote is at p, ending (after its closing quote) at q,
   * is kept; undefined when the key is not valid JSON.
   */
  hasKeyAt(buf: Buffer, p: number, q: number): boolean | undefined {
    const from = p + 1;
    const n = q - 1 - from;
    // compared in place: no string per member
    for (const spelled of this.spelled) {
      if (spelled.length !== n) continue;
      let i = 0;
      while (i < n && buf[from + i] === spelled[i]) i++;
      if (i === n) return true;
    }
    // a byte loop: keys are short, and indexOf(BACKSLASH) could scan the whole chunk
    for (let i = from; i < from + n; i++) {
      if (buf[i] !== BACKSLASH) continue;
      // an escaped key (rare): JSON decides what it says
      try {
        return this.names.has(JSON.parse(buf.toString('utf8', p, q)) as string);
      } catch {
        return undefined;
      }
    }
    return false;
  }
}

/**
 * Walks the members of the object whose content starts at p (right after its `{`), adding
 * the kept members to `pieces`: the first as it is, each later one with the comma before it.
 * Returns where the object's `}` is, or -1 when the bytes are not the object this expects
 * (the caller then takes the full-parse path, which is always right).
 */
export function scanMembers(buf: Buffer, p: number, end: number, keep: KeptFields, pieces: LinePieces): number {
  p = skipWs(buf, p, end);
  if (buf[p] === RBRACE) return p;
  let keptSoFar = 0;
  let comma = -1;
  for (;;) {
    if (p >= end || buf[p] !== QUOTE) return -1;
    const keyEnd = skipString(buf, p, end);
    if (keyEnd < 0) return -1;
    const kept = keep.hasKeyAt(buf, p, keyEnd);
    if (kept === undefined) return -1;
    let v = skipWs(buf, keyEnd, end);
    if (buf[v] !== COLON) return -1;
    v = skipWs(buf, v + 1, end);
    const valueEnd = skipValue(buf, v, end);
    if (valueEnd <= v) return -1;
    if (kept) {
      pieces.add(keptSoFar === 0 ? p : comma, valueEnd);
      keptSoFar++;
    }
    const next = skipWs(buf, valueEnd, end);
    if (next >= end) return -1;
    if (buf[next] === RBRACE) return next;
    if (buf[next] !== COMMA) return -1;
    comma = next;
    p = skipWs(buf, next + 1, end);
  }
}

export class SelectedFields {
  /** by configured stream index: the fields kept, undefined for a stream that keeps them all */
  private readonly keep: (KeptFields | undefined)[];

  /** undefined when no configured stream has a selection: the engine trims nothing at all */
  static of(selection: readonly StreamFieldSelection[] | undefined, catalog: StreamCatalog): SelectedFields | undefined {
    const keep: (KeptFields | undefined)[] = new Array(catalog.size).fill(undefined);
    let any = false;
    for (const { stream, fields } of selection ?? []) {
      // a selection of a stream the job does not sync (e.g. dropped by schema propagation) is moot
      const ref = fields.length > 0 ? catalog.lookup(stream.name, stream.namespace) : undefined;
      if (!ref) continue;
      // exact lookup: a unique name matches whatever the namespace, a selection must not
      if ((ref.namespace ?? null) !== (stream.namespace ?? null)) continue;
      keep[ref.index] = new KeptFields(fields);
      any = true;
    }
    return any ? new SelectedFields(keep) : undefined;
  }

  private constructor(keep: (KeptFields | undefined)[]) {
    this.keep = keep;
  }

  /** The fields configured stream `index` keeps; undefined: every field. */
  fieldsOf(index: number): KeptFields | undefined {
    return this.keep[index];
  }

  /** A parsed record's data with only the selected fields; the same object when nothing goes. */
  data(index: number, data: Record<string, unknown>): Record<string, unknown> {
    const keep = this.keep[index]?.names;
    if (!keep) return data;
    const keys = Object.keys(data);
    if (keys.every((k) => keep.has(k))) return data;
    // no prototype: a field named __proto__ stays a field
    const trimmed = Object.create(null) as Record<string, unknown>;
    for (const k of keys) if (keep.has(k)) trimmed[k] = data[k];
    return trimmed;
  }
}
