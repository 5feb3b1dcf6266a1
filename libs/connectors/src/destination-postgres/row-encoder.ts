/**
 * One RECORD -> one line of COPY text. This is the hot path: one pass over the typed
 * columns, plain string concatenation, and a JSON.stringify of the raw record only
 * when it is kept.
 */
import { randomUUID } from 'node:crypto';
import type { AirbyteRecordMessage } from '@tributary/protocol';
import type { ColumnKind } from './column-types.js';
import { COPY_NULL, escapeCopyText, repairJsonForPostgres, stripNul, valueText } from './copy-values.js';

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
   * append an arrival sequence number: `batch` numbers each batch from 0 (dedup staging orders
   * ties by it), `continuous` goes on across batches from `firstSequence` (overwrite staging)
   */
  withSequence?: 'batch' | 'continuous';
  firstSequence?: number;
  /** primary key paths: rows with a missing/null part are noted in `nullKeySeen` */
  primaryKey?: readonly (readonly string[])[];
  /**
   * when `_airbyte_data` gets the whole record: in every row, or only in a row where a
   * value was stored as NULL because its column could not hold it (nothing is lost)
   */
  rawData: 'every_row' | 'when_nulled';
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
const TYPECAST = 'DESTINATION_TYPECAST_ERROR';
const SERIALIZATION = 'DESTINATION_SERIALIZATION_ERROR';

/**
 * JSON text as a COPY field, without NULs and lone surrogates. JSON.stringify escapes
 * control characters, so text without a backslash needs no work at all (the usual case).
 */
function jsonCopyText(json: string): string {
  if (!json.includes('\\')) return json;
  return escapeCopyText(repairJsonForPostgres(json) ?? json);
}

function pathValue(data: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export class RowEncoder {
  /** set when a row had a null primary key part since the last reset (dedup must match NULLs) */
  nullKeySeen = false;
  private sequence = 0;
  private lastEmittedAt = Number.NaN;
  private lastExtractedAt = '';
  private readonly columns: readonly FieldColumn[];
  private readonly keyColumn: boolean[];
  /** fields named like Object.prototype members (`constructor`, ...): an absent one must not read the inherited value */
  private readonly inheritedName: boolean[];
  private readonly keyPathsWithoutColumn: (readonly string[])[];
  private readonly generationText: string;
  private readonly emptyMeta: string;

  constructor(private readonly options: RowEncoderOptions) {
    this.columns = options.columns;
    const keys = options.primaryKey ?? [];
    const topLevelKeys = new Set(keys.filter((p) => p.length === 1).map((p) => p[0]));
    this.keyColumn = this.columns.map((c) => topLevelKeys.has(c.field));
    this.inheritedName = this.columns.map((c) => c.field in Object.prototype);
    const columnFields = new Set(this.columns.map((c) => c.field));
    this.keyPathsWithoutColumn = keys.filter((p) => p.length !== 1 || !columnFields.has(p[0] ?? ''));
    this.generationText = String(options.generationId);
    this.sequence = options.firstSequence ?? 0;
    this.emptyMeta = this.metaText([]);
  }

  /** The COPY column list this encoder writes, in order. */
  static columnNames(fieldColumns: readonly FieldColumn[], withSequence: boolean): string[] {
    const names = ['_airbyte_raw_id', '_airbyte_extracted_at', '_airbyte_meta', '_airbyte_generation_id'];
    names.push(...fieldColumns.map((c) => c.name), '_airbyte_data');
    if (withSequence) names.push(SEQUENCE_COLUMN);
    return names;
  }

  /** The arrival number of the last row encoded (-1 before any), for overwrite staging's coverage. */
  get lastSequence(): number {
    return this.sequence - 1;
  }

  /** A new batch: dedup numbers arrivals again (its stage was emptied). */
  resetBatch(): void {
    if (this.options.withSequence === 'batch') this.sequence = 0;
    this.nullKeySeen = false;
  }

  encode(record: AirbyteRecordMessage): string {
    const data = record.data;
    let changes: MetaChange[] | undefined;
    let nulled = false;
    let fields = '';
    for (let i = 0; i < this.columns.length; i++) {
      const column = this.columns[i]!;
      const value = this.inheritedName[i] && !Object.hasOwn(data, column.field) ? undefined : data[column.field];
      if (value === undefined || value === null) {
        fields += '\t' + COPY_NULL;
        if (this.keyColumn[i]) this.nullKeySeen = true;
        continue;
      }
      let text = valueText(column.kind, value);
      if (text === undefined) {
        (changes ??= []).push({ field: column.field, change: 'NULLED', reason: TYPECAST });
        nulled = true;
        fields += '\t' + COPY_NULL;
        if (this.keyColumn[i]) this.nullKeySeen = true;
        continue;
      }
      if (column.kind === 'text') {
        if (text.includes('\0')) {
          (changes ??= []).push({ field: column.field, change: 'TRUNCATED', reason: SERIALIZATION });
          text = stripNul(text);
        }
      } else if (column.kind === 'jsonb') {
        const repaired = repairJsonForPostgres(text);
        if (repaired !== undefined) {
          (changes ??= []).push({ field: column.field, change: 'TRUNCATED', reason: SERIALIZATION });
          text = repaired;
        }
      }
      fields += '\t' + escapeCopyText(text);
    }
    for (const path of this.keyPathsWithoutColumn) {
      const value = pathValue(data, path);
      if (value === undefined || value === null) this.nullKeySeen = true;
    }

    const raw = nulled || this.options.rawData === 'every_row' ? jsonCopyText(JSON.stringify(data)) : COPY_NULL;
    const sourceChanges = record.meta?.changes;
    const meta =
      changes === undefined && (sourceChanges === undefined || sourceChanges.length === 0)
        ? this.emptyMeta
        : this.metaText([...(sourceChanges ?? []), ...(changes ?? [])]);
    let line = randomUUID() + '\t' + this.extractedAt(record.emitted_at) + '\t' + meta + '\t' + this.generationText + fields + '\t' + raw;
    if (this.options.withSequence) line += '\t' + String(this.sequence++);
    return line + '\n';
  }

  private metaText(changes: readonly unknown[]): string {
    const meta =
      this.options.syncId === undefined || this.options.syncId === null ? { changes } : { changes, sync_id: this.options.syncId };
    return jsonCopyText(JSON.stringify(meta));
  }

  /** Records of a batch usually share their emitted_at: format each instant once. */
  private extractedAt(emittedAt: number | undefined): string {
    if (emittedAt !== this.lastEmittedAt) {
      // outside years 1..9999 toISOString() writes a form Postgres rejects: use the arrival time
      const valid = typeof emittedAt === 'number' && emittedAt >= MIN_EXTRACTED_AT_MS && emittedAt <= MAX_EXTRACTED_AT_MS;
      this.lastExtractedAt = new Date(valid ? emittedAt : Date.now()).toISOString();
      this.lastEmittedAt = valid ? emittedAt : Number.NaN;
    }
    return this.lastExtractedAt;
  }
}
