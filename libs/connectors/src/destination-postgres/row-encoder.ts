/**
 * One RECORD -> one row of binary COPY. This is the hot path: one pass over the typed
 * columns, each value written straight into the buffer in its binary form, and a
 * JSON.stringify of the raw record only when it is kept.
 */
import { randomFillSync } from 'node:crypto';
import type { AirbyteRecordMessage } from '@tributary/protocol';
import { writeField, type FieldOutcome } from './binary-fields.js';
import type { ColumnKind } from './column-types.js';
import { CopyBuffer } from './copy-buffer.js';
import { repairJsonForPostgres } from './copy-values.js';
import {
  booleanEnd,
  FieldLookup,
  nullEnd,
  plainDecimalEnd,
  plainIntegerEnd,
  plainStringEnd,
  RecordScan,
  sameBytes,
  ValueKind,
  valueKindOf,
} from '../destination-common/record-scan.js';
import { EMITTED_AT_SLOT, RecordTemplate } from './record-template.js';
import { integerAt, numberAt, numericAt, timestampAt, writeScannedField, writeSpanField } from './scanned-fields.js';

/** A typed column filled from a top-level field of the record. */
export interface FieldColumn {
  field: string;
  /** the Postgres column name */
  name: string;
  kind: ColumnKind;
}

export interface RowEncoderOptions {
  columns: readonly FieldColumn[];
  generationId: number;
  syncId?: number | null;
  /**
   * append an arrival sequence number from `firstSequence` on: dedup staging orders ties by
   * it, overwrite staging keeps which rows a state covers by it
   */
  withSequence?: boolean;
  firstSequence?: number;
  /** primary key paths: rows with a missing/null part are noted in `nullKeySeen` */
  primaryKey?: readonly (readonly string[])[];
  /**
   * when `_airbyte_data` gets the whole record: in every row, or only in a row where a
   * value was stored as NULL because its column could not hold it (nothing is lost)
   */
  rawData: 'every_row' | 'when_nulled';
  /**
   * the target's `_airbyte_meta` defaults to this sync's empty meta (`emptyMeta`): a row
   * without changes leaves the column out, so Postgres parses no jsonb for it
   */
  metaDefault?: boolean;
}

interface MetaChange {
  field: string;
  change: 'NULLED' | 'TRUNCATED';
  reason: string;
}

/** Arrival order within a dedup staging batch, or across an overwrite staging table. */
export const SEQUENCE_COLUMN = '_airbyte_seq';

const MIN_EXTRACTED_AT_MS = -62135596800000; // 0001-01-01T00:00:00Z
const MAX_EXTRACTED_AT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const TYPECAST = 'DESTINATION_TYPECAST_ERROR';
const SERIALIZATION = 'DESTINATION_SERIALIZATION_ERROR';
const JSONB_VERSION = 1;
/** random bytes for this many _airbyte_raw_id values are drawn at once */
const UUIDS_PER_DRAW = 4096;
/**
 * Lines of a stream its template did not take, each learned from, before the encoder may
 * give up on templates: it does once they miss more often than they match (a layout that
 * changes from record to record).
 */
const TEMPLATE_TRIAL = 64;

/** Column kinds whose values encodeInColumnOrder reads in their plain forms first (plain-token readers of record-scan). */
const enum PlainKind {
  None,
  Text,
  Bigint,
  Numeric,
  Boolean,
  Timestamptz,
  Timestamp,
}

const PLAIN_KIND: Partial<Record<ColumnKind, PlainKind>> = {
  text: PlainKind.Text,
  bigint: PlainKind.Bigint,
  numeric: PlainKind.Numeric,
  boolean: PlainKind.Boolean,
  timestamptz: PlainKind.Timestamptz,
  timestamp: PlainKind.Timestamp,
};

/** JSON text as jsonb accepts it: without NULs and lone surrogates. */
const jsonForPostgres = (json: string): string => repairJsonForPostgres(json) ?? json;

function pathValue(data: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A meta without source changes: null, or no `changes`, or an empty list (what `encode` treats as none). */
function emptyMeta(scan: RecordScan): boolean {
  const meta: unknown = JSON.parse(scan.buf.toString('utf8', scan.metaStart, scan.metaEnd));
  if (meta === null) return true;
  if (typeof meta !== 'object') return false;
  const changes = (meta as { changes?: unknown }).changes;
  return changes === undefined || (Array.isArray(changes) && changes.length === 0);
}

function metaJson(changes: readonly unknown[], syncId: number | null | undefined): string {
  const meta = syncId === undefined || syncId === null ? { changes } : { changes, sync_id: syncId };
  return jsonForPostgres(JSON.stringify(meta));
}

export class RowEncoder {
  /** set when a row had a null primary key part since the last reset (dedup must match NULLs) */
  nullKeySeen = false;
  private sequence = 0;
  private lastEmittedAt = Number.NaN;
  private lastExtractedAt: number | bigint = 0;
  private readonly columns: readonly FieldColumn[];
  private readonly fieldCount: number;
  /** rows without changes leave `_airbyte_meta` out (RowEncoderOptions.metaDefault; until keepMetaInEveryRow) */
  private defaultsMeta: boolean;
  private readonly keyColumn: boolean[];
  /** fields named like Object.prototype members (`constructor`, ...): an absent one must not read the inherited value */
  private readonly inheritedName: boolean[];
  private readonly keyPathsWithoutColumn: (readonly string[])[];
  private readonly emptyMeta: string;
  private readonly uuids = Buffer.alloc(16 * UUIDS_PER_DRAW);
  private nextUuid = UUIDS_PER_DRAW;
  /** finds the columns' fields in a scanned record (also the hint to scan the stream's next record with) */
  readonly lookup: FieldLookup;
  /** false when every row needs the parsed record (raw data kept, key paths without a column) */
  private readonly scannable: boolean;
  private readonly entryOf: Int32Array;
  /** the fields after the extraction time in a row without changes: empty meta (unless defaulted), generation, no raw record */
  private plainTail: Buffer;
  /** the layout of the stream's lines, learned from the last one encodeScanned took (see RecordTemplate) */
  private template: RecordTemplate | undefined;
  private templateHits = 0;
  /** -1 once templates are given up on */
  private templateMisses = 0;
  /** checks each value of a line matched against the template */
  private readonly values = new RecordScan();
  /** each column's value in the line matched last: where it is, what it is, its flags */
  private readonly spanStart: Int32Array;
  private readonly spanEnd: Int32Array;
  private readonly spanKind: Uint8Array;
  private readonly spanFlags: Uint8Array;
  /** the value readEmittedAt read last */
  private emittedAtRead = 0;
  /** each column's PlainKind */
  private readonly plainKind: Uint8Array;

  constructor(private readonly options: RowEncoderOptions) {
    this.columns = options.columns;
    this.fieldCount = RowEncoder.columnNames(options.columns, options.withSequence === true).length;
    this.defaultsMeta = options.metaDefault === true;
    const keys = options.primaryKey ?? [];
    const topLevelKeys = new Set(keys.filter((p) => p.length === 1).map((p) => p[0]));
    this.keyColumn = this.columns.map((c) => topLevelKeys.has(c.field));
    this.inheritedName = this.columns.map((c) => c.field in Object.prototype);
    const columnFields = new Set(this.columns.map((c) => c.field));
    this.keyPathsWithoutColumn = keys.filter((p) => p.length !== 1 || !columnFields.has(p[0] ?? ''));
    this.sequence = options.firstSequence ?? 0;
    this.emptyMeta = RowEncoder.emptyMetaJson(options.syncId);
    this.scannable = options.rawData === 'when_nulled' && this.keyPathsWithoutColumn.length === 0;
    this.lookup = new FieldLookup(this.columns.map((c) => c.field));
    this.entryOf = new Int32Array(this.columns.length);
    this.spanStart = new Int32Array(this.columns.length);
    this.spanEnd = new Int32Array(this.columns.length);
    this.spanKind = new Uint8Array(this.columns.length);
    this.spanFlags = new Uint8Array(this.columns.length);
    this.plainKind = Uint8Array.from(this.columns, (c) => PLAIN_KIND[c.kind] ?? PlainKind.None);
    this.plainTail = this.tail();
  }

  private tail(): Buffer {
    const tail = new CopyBuffer();
    if (!this.defaultsMeta) tail.text(this.emptyMeta, JSONB_VERSION);
    tail.int64(this.options.generationId);
    tail.null();
    return Buffer.concat(tail.take());
  }

  /** Rows without changes leave `_airbyte_meta` to the column's default. */
  get metaDefault(): boolean {
    return this.defaultsMeta;
  }

  /** From now on every row has its `_airbyte_meta`, with changes or not. */
  keepMetaInEveryRow(): void {
    this.defaultsMeta = false;
    this.plainTail = this.tail();
  }

  /**
   * The COPY column list this encoder writes, in order: the typed fields first, as the meta
   * depends on them. `withMeta` false: the list of rows that leave `_airbyte_meta` to its default.
   */
  static columnNames(fieldColumns: readonly FieldColumn[], withSequence: boolean, withMeta = true): string[] {
    const names = fieldColumns.map((c) => c.name);
    names.push('_airbyte_raw_id', '_airbyte_extracted_at', '_airbyte_meta', '_airbyte_generation_id', '_airbyte_data');
    if (!withMeta) names.splice(names.indexOf('_airbyte_meta'), 1);
    if (withSequence) names.push(SEQUENCE_COLUMN);
    return names;
  }

  /** `_airbyte_meta` of a row without changes in a sync (`{"changes":[]}`, and its sync_id when it has one). */
  static emptyMetaJson(syncId: number | null | undefined): string {
    return metaJson([], syncId);
  }

  /** The arrival number of the last row encoded (-1 before any), for overwrite staging's coverage. */
  get lastSequence(): number {
    return this.sequence - 1;
  }

  /** Every row so far was sent: null keys are looked for afresh. */
  resetBatch(): void {
    this.nullKeySeen = false;
  }

  /**
   * Appends the record's row to `out`. `scanned`: the record's line, scanned, that
   * encodeScanned declined; its number tokens give numeric columns their exact decimal.
   * True when the row has its `_airbyte_meta` (always, unless `metaDefault`): it then goes
   * in a COPY that lists the column.
   */
  encode(record: AirbyteRecordMessage, out: CopyBuffer, scanned?: RecordScan): boolean {
    if (scanned) this.lookup.match(scanned, this.entryOf);
    const data = record.data;
    let changes: MetaChange[] | undefined;
    let nulled = false;
    // without changes, the meta is left out: the field count is set again there
    out.row(this.fieldCount);
    for (let i = 0; i < this.columns.length; i++) {
      const column = this.columns[i]!;
      const value = this.inheritedName[i] && !Object.hasOwn(data, column.field) ? undefined : data[column.field];
      if (value === undefined || value === null) {
        out.null();
        if (this.keyColumn[i]) this.nullKeySeen = true;
        continue;
      }
      const outcome =
        scanned && column.kind === 'numeric' ? this.exactNumeric(out, scanned, i, value) : writeField(out, column.kind, value);
      if (outcome === 'written') continue;
      if (outcome === 'truncated') {
        (changes ??= []).push({ field: column.field, change: 'TRUNCATED', reason: SERIALIZATION });
        continue;
      }
      (changes ??= []).push({ field: column.field, change: 'NULLED', reason: TYPECAST });
      nulled = true;
      out.null();
      if (this.keyColumn[i]) this.nullKeySeen = true;
    }
    for (const path of this.keyPathsWithoutColumn) {
      const value = pathValue(data, path);
      if (value === undefined || value === null) this.nullKeySeen = true;
    }

    this.writeRawId(out);
    out.int64(this.extractedAt(record.emitted_at));
    const sourceChanges = record.meta?.changes;
    const unchanged = changes === undefined && (sourceChanges === undefined || sourceChanges.length === 0);
    const withMeta = !unchanged || !this.defaultsMeta;
    if (!withMeta) out.setRowFields(this.fieldCount - 1);
    else
      out.text(unchanged ? this.emptyMeta : metaJson([...(sourceChanges ?? []), ...(changes ?? [])], this.options.syncId), JSONB_VERSION);
    out.int64(this.options.generationId);
    if (nulled || this.options.rawData === 'every_row') out.text(jsonForPostgres(JSON.stringify(data)), JSONB_VERSION);
    else out.null();
    if (this.options.withSequence) out.int64(this.sequence++);
    return withMeta;
  }

  /** A numeric column's value from its number token when the line was scanned (entryOf is matched to it). */
  private exactNumeric(out: CopyBuffer, scan: RecordScan, column: number, value: unknown): FieldOutcome {
    const n = this.entryOf[column]!;
    if (typeof value !== 'number' || n < 0 || scan.valueKind[n] !== ValueKind.Number) return writeField(out, 'numeric', value);
    return writeScannedField(out, 'numeric', scan, n) ? 'written' : 'unfit';
  }

  /**
   * Appends the row of a scanned RECORD line, read in place (see RecordScan). False, with
   * nothing appended, when the record needs what only `encode` does: a value that does not
   * fit its column, source changes in meta, or the raw record in every row. The row has its
   * `_airbyte_meta` unless `metaDefault`.
   */
  encodeScanned(scan: RecordScan, out: CopyBuffer): boolean {
    if (!this.scannable || (scan.metaStart >= 0 && !emptyMeta(scan))) return false;
    const entryOf = this.entryOf;
    this.lookup.match(scan, entryOf);
    out.mark();
    out.row(this.defaultsMeta ? this.fieldCount - 1 : this.fieldCount);
    for (let i = 0; i < this.columns.length; i++) {
      const n = entryOf[i]!;
      if (n < 0 || scan.valueKind[n] === ValueKind.Null) {
        out.null();
        if (this.keyColumn[i]) this.nullKeySeen = true;
        continue;
      }
      if (!writeScannedField(out, this.columns[i]!.kind, scan, n)) {
        out.rewind();
        return false;
      }
    }
    const emittedAt = scan.emittedAtStart < 0 ? undefined : numberAt(scan.buf, scan.emittedAtStart, scan.emittedAtEnd, scan.emittedAtFlags);
    this.writePlainTail(out, emittedAt);
    if (this.templateMisses >= 0) this.learnTemplate(scan);
    return true;
  }

  /**
   * Appends the row of the line `buf[start, end)` when it matches the stream's template (see
   * RecordTemplate) and encodeScanned would have taken it: the same row, read from the slots.
   * False, with nothing appended, otherwise.
   */
  encodeTemplated(buf: Buffer, start: number, end: number, out: CopyBuffer): boolean {
    const template = this.template;
    if (template === undefined) return false;
    if (template.inColumnOrder) return this.encodeInColumnOrder(template, buf, start, end, out);
    const { line, slotStart, slotEnd, slotColumn, entryOf } = template;
    const values = this.values;
    values.unsortedObjects.reset(); // a line of its own: the objects noted are this one's
    const { spanStart, spanEnd, spanKind, spanFlags } = this;
    // the line in the template's layout: each column's value noted as it comes
    let at = start;
    let from = 0;
    let emittedAt: number | undefined;
    for (let k = 0; k < slotColumn.length; k++) {
      const to = slotStart[k]!;
      if (at + to - from > end || !sameBytes(buf, at, line, from, to)) return false;
      at += to - from;
      const column = slotColumn[k]!;
      let next: number;
      if (column === EMITTED_AT_SLOT) {
        next = this.readEmittedAt(buf, at, end);
        emittedAt = this.emittedAtRead;
      } else {
        next = values.valueAt(buf, at, end);
        if (next >= 0 && column >= 0) {
          const kind = valueKindOf(buf[at]!);
          // a string's span leaves out its quotes
          const quotes = kind === ValueKind.String ? 1 : 0;
          spanStart[column] = at + quotes;
          spanEnd[column] = next - quotes;
          spanKind[column] = kind;
          spanFlags[column] = values.valueFlagsAt;
        }
      }
      if (next < 0) return false;
      at = next;
      from = slotEnd[k]!;
    }
    if (end - at !== line.length - from || !sameBytes(buf, at, line, from, line.length)) return false;
    // then the row, column by column, as encodeScanned writes it
    out.mark();
    out.row(this.defaultsMeta ? this.fieldCount - 1 : this.fieldCount);
    let nullKey = false;
    for (let i = 0; i < this.columns.length; i++) {
      if (entryOf[i]! < 0 || spanKind[i] === ValueKind.Null) {
        out.null();
        if (this.keyColumn[i]) nullKey = true;
        continue;
      }
      if (
        !writeSpanField(out, this.columns[i]!.kind, buf, spanStart[i]!, spanEnd[i]!, spanKind[i]!, spanFlags[i]!, values.unsortedObjects)
      ) {
        out.rewind();
        return false;
      }
    }
    if (nullKey) this.nullKeySeen = true;
    this.writePlainTail(out, emittedAt);
    this.templateHits++;
    return true;
  }

  /**
   * encodeTemplated for a layout whose values come in the columns' order: each value is
   * written as it is read, in one pass, a plain token (see record-scan) without a second
   * look. Any other value is checked and written as encodeTemplated does.
   */
  private encodeInColumnOrder(template: RecordTemplate, buf: Buffer, start: number, end: number, out: CopyBuffer): boolean {
    const { line, slotStart, slotEnd, slotColumn } = template;
    this.values.unsortedObjects.reset();
    out.mark();
    out.row(this.defaultsMeta ? this.fieldCount - 1 : this.fieldCount);
    let at = start;
    let from = 0;
    let emittedAt: number | undefined;
    let nullKey = false;
    // the next column to write: the columns before a slot's that have none are null in this layout
    let column = 0;
    for (let k = 0; k < slotColumn.length; k++) {
      const to = slotStart[k]!;
      if (at + to - from > end || !sameBytes(buf, at, line, from, to)) return this.rewound(out);
      at += to - from;
      const slot = slotColumn[k]!;
      let next: number;
      if (slot === EMITTED_AT_SLOT) {
        next = this.readEmittedAt(buf, at, end);
        emittedAt = this.emittedAtRead;
      } else if (slot < 0) next = this.values.valueAt(buf, at, end);
      else {
        for (; column < slot; column++) {
          out.null();
          if (this.keyColumn[column]) nullKey = true;
        }
        column++;
        next = nullEnd(buf, at, end);
        if (next >= 0) {
          out.null();
          if (this.keyColumn[slot]) nullKey = true;
        } else next = this.writeValueAt(out, slot, buf, at, end);
      }
      if (next < 0) return this.rewound(out);
      at = next;
      from = slotEnd[k]!;
    }
    if (end - at !== line.length - from || !sameBytes(buf, at, line, from, line.length)) return this.rewound(out);
    for (; column < this.columns.length; column++) {
      out.null();
      if (this.keyColumn[column]) nullKey = true;
    }
    if (nullKey) this.nullKeySeen = true;
    this.writePlainTail(out, emittedAt);
    this.templateHits++;
    return true;
  }

  /** Writes the value at `at` (not null) as `column`'s field; the index after it, or -1 when it is not JSON or cannot be written as it is. */
  private writeValueAt(out: CopyBuffer, column: number, buf: Buffer, at: number, end: number): number {
    let next: number;
    switch (this.plainKind[column]) {
      case PlainKind.Text:
        next = plainStringEnd(buf, at, end);
        if (next < 0) break;
        out.bytesField(buf, at + 1, next - 1);
        return next;
      case PlainKind.Bigint:
        next = plainIntegerEnd(buf, at, end);
        if (next < 0) break;
        out.int64(integerAt(buf, at, next));
        return next;
      case PlainKind.Numeric:
        next = plainDecimalEnd(buf, at, end);
        if (next < 0) break;
        return numericAt(out, buf, at, next) ? next : -1;
      case PlainKind.Boolean:
        next = booleanEnd(buf, at, end);
        if (next < 0) break;
        out.boolean(next - at === 4);
        return next;
      case PlainKind.Timestamptz:
      case PlainKind.Timestamp: {
        next = plainStringEnd(buf, at, end);
        const micros = next < 0 ? undefined : timestampAt(buf, at + 1, next - 1, this.plainKind[column] === PlainKind.Timestamptz);
        if (micros === undefined) break;
        out.int64(micros);
        return next;
      }
    }
    // any other form: checked, then written as encodeTemplated does
    const values = this.values;
    next = values.valueAt(buf, at, end);
    if (next < 0) return -1;
    const kind = valueKindOf(buf[at]!);
    const quotes = kind === ValueKind.String ? 1 : 0;
    const { kind: columnKind } = this.columns[column]!;
    return writeSpanField(out, columnKind, buf, at + quotes, next - quotes, kind, values.valueFlagsAt, values.unsortedObjects) ? next : -1;
  }

  /** The emitted_at number at `at` (a plain integer, or any number checked the long way) into `emittedAtRead`; the index after it, or -1. */
  private readEmittedAt(buf: Buffer, at: number, end: number): number {
    let next = plainIntegerEnd(buf, at, end);
    if (next >= 0) {
      this.emittedAtRead = integerAt(buf, at, next);
      return next;
    }
    next = this.values.valueAt(buf, at, end);
    if (next < 0 || valueKindOf(buf[at]!) !== ValueKind.Number) return -1;
    this.emittedAtRead = numberAt(buf, at, next, this.values.valueFlagsAt);
    return next;
  }

  private rewound(out: CopyBuffer): false {
    out.rewind();
    return false;
  }

  /** A line of the stream took the long way (its template did not match, or there was none): its layout is the template now. */
  private learnTemplate(scan: RecordScan): void {
    if (++this.templateMisses > TEMPLATE_TRIAL && this.templateMisses > this.templateHits) {
      this.template = undefined;
      this.templateMisses = -1;
      return;
    }
    this.template = RecordTemplate.learn(scan, this.entryOf);
  }

  /** The fields after the typed columns of a row without changes. */
  private writePlainTail(out: CopyBuffer, emittedAt: number | undefined): void {
    this.writeRawId(out);
    out.int64(this.extractedAt(emittedAt));
    out.raw(this.plainTail);
    if (this.options.withSequence) out.int64(this.sequence++);
  }

  /** A random (version 4) UUID, from random bytes drawn for many at once. */
  private writeRawId(out: CopyBuffer): void {
    if (this.nextUuid === UUIDS_PER_DRAW) {
      randomFillSync(this.uuids);
      this.nextUuid = 0;
    }
    const start = 16 * this.nextUuid++;
    this.uuids[start + 6] = (this.uuids[start + 6]! & 0x0f) | 0x40;
    this.uuids[start + 8] = (this.uuids[start + 8]! & 0x3f) | 0x80;
    out.bytesField(this.uuids, start, start + 16);
  }

  /** Microseconds from 2000-01-01 of emitted_at; records of a batch usually share it. */
  private extractedAt(emittedAt: number | undefined): number | bigint {
    if (emittedAt !== this.lastEmittedAt) {
      // outside years 1..9999 the timestamp is out of Postgres's range: use the arrival time
      const valid = typeof emittedAt === 'number' && emittedAt >= MIN_EXTRACTED_AT_MS && emittedAt <= MAX_EXTRACTED_AT_MS;
      const ms = Math.trunc(valid ? emittedAt : Date.now()) - PG_EPOCH_MS;
      // beyond ~285 years from 2000 the microseconds outgrow a double's exact integers
      this.lastExtractedAt = Math.abs(ms) < 9e12 ? ms * 1000 : BigInt(ms) * 1000n;
      this.lastEmittedAt = valid ? emittedAt : Number.NaN;
    }
    return this.lastExtractedAt;
  }
}
