/**
 * Loading one stream: buffers its records as COPY text and moves each batch into
 * Postgres the way its mode needs.
 *   append        COPY into the final table.
 *   append_dedup  COPY into a session-private stage, then merge into the final table.
 *   overwrite     COPY into a staging table that replaces the final table at the end
 *                 of a successful sync (until then readers keep seeing the old data).
 * Transactions belong to the caller: every call here runs inside the open one.
 */
import type { AirbyteRecordMessage } from '@tributary/protocol';
import type { FieldLookup, RecordScan } from '../destination-common/record-scan.js';
import { kindOfPostgresType } from './column-types.js';
import { CopyBuffer, splitChunks } from './copy-buffer.js';
import { qualifiedName, quoteIdent, type TableRef } from './identifiers.js';
import { RowEncoder, SEQUENCE_COLUMN, type FieldColumn } from './row-encoder.js';
import type { PostgresSession } from './session.js';
import {
  LEADING_AIRBYTE_COLUMNS,
  TABLE_COLUMNS_SQL,
  TRAILING_AIRBYTE_COLUMNS,
  addColumnsSql,
  columnDefinition,
  copySql,
  createKeyIndexSql,
  createStageSql,
  createTableSql,
  deleteOlderGenerationsSql,
  dropTableSql,
  hasOtherGenerationSql,
  mergeSql,
  nextSequenceSql,
  rawDataNullableSql,
  readsRawData,
  LOCK_META_DEFAULT_SQL,
  UNLOCK_META_DEFAULT_SQL,
  setMetaDefaultSql,
  setCoveredThroughSql,
  STAGING_SEQUENCE_COLUMN,
  TABLE_COMMENT_SQL,
  coveredThroughOf,
  dropUncoveredRowsSql,
  swapTableSql,
  tableSql,
  valuePath,
  type ColumnDefinition,
  type ValuePath,
} from './sql.js';
import type { StreamPlan } from './stream-plan.js';

/** Rows after a stream's latest state kept back from a commit, at most (beyond, they go uncovered, with a mark). */
const MAX_UNCOVERED_BYTES = 4 * 1024 * 1024;
/** How long a sync waits to set a table's _airbyte_meta default before it sends every row's meta instead. */
const META_DEFAULT_LOCK_TIMEOUT_MS = 250;
/**
 * Buffered runs (one COPY each) past which rows with and without changes alternate too
 * often to be worth it: the stream's rows then all carry their meta, in one run.
 */
const MAX_RUNS = 32;

/** Consecutive buffered rows that all have their `_airbyte_meta`, or all leave it to the default: one COPY each. */
interface Run {
  meta: boolean;
  bytes: number;
}

export interface Batch {
  chunks: Buffer[];
  runs: Run[];
  rows: number;
  nullKeySeen: boolean;
}

export type Logger = (level: 'INFO' | 'WARN', message: string) => void;

export class StreamLoader {
  private encoder: RowEncoder | undefined;
  private copyStatement = '';
  /** the COPY of rows that leave _airbyte_meta to its default */
  private plainCopyStatement = '';
  private runs: Run[] = [];
  private loadedColumns: string[] = [];
  private key: ValuePath[] = [];
  private cursor: ValuePath | undefined;
  private readonly buffer = new CopyBuffer();
  private rows = 0;
  /** the buffered bytes and rows the stream's latest state covers (the rest came after it) */
  private coveredBytes = 0;
  private coveredRows = 0;
  /**
   * overwrite: the arrival number the stream's latest state covers rows through, the last
   * one sent to the database, and the mark in the staging table's comment once the commits
   * queued so far are done (undefined: none, every committed row is covered).
   */
  private coveredThrough = -1;
  private sentThrough = -1;
  private markInTable: number | undefined;
  private swapped = false;

  constructor(
    readonly plan: StreamPlan,
    private readonly session: PostgresSession,
    private readonly log: Logger,
    /** unique per loader in this process: names the dedup stage */
    private readonly stageName: string,
  ) {}

  private get target(): TableRef {
    return this.plan.mode === 'overwrite' ? this.plan.staging : this.plan.final;
  }

  private async columnsOf(table: TableRef): Promise<Map<string, { type: string; notNull: boolean }>> {
    const result = await this.session.query<{ name: string; type: string; not_null: boolean }>(TABLE_COLUMNS_SQL, [
      table.schema,
      table.name,
    ]);
    return new Map(result.rows.map((r) => [r.name, { type: r.type, notNull: r.not_null }]));
  }

  /** Creates or evolves the tables and works out how each field is encoded. */
  async prepare(): Promise<void> {
    const { plan } = this;
    const overwrite = plan.mode === 'overwrite';
    const resumed = overwrite && (await this.prepareStaging());
    const fields = plan.columns.map((c) => columnDefinition(c.name, c.kind));
    const wanted = overwrite ? [...fields, STAGING_SEQUENCE_COLUMN] : fields;
    await this.session.query(createTableSql(this.target, wanted));

    // an existing table keeps its column types; fields get the encoding of the actual type
    const existing = await this.columnsOf(this.target);
    const missing = [...LEADING_AIRBYTE_COLUMNS, ...wanted, ...TRAILING_AIRBYTE_COLUMNS].filter((c) => !existing.has(c.name));
    if (missing.length > 0) {
      await this.session.query(addColumnsSql(this.target, missing));
      this.log('INFO', `added columns ${missing.map((c) => c.name).join(', ')} to ${qualifiedName(this.target)}`);
    }
    const { columns: fieldColumns, unwritable } = this.fieldColumns(existing, missing);
    this.loadedColumns = RowEncoder.columnNames(fieldColumns, false);
    let firstSequence = 0;
    if (overwrite) {
      if (resumed) firstSequence = Number((await this.session.query<{ next: string }>(nextSequenceSql(plan.staging))).rows[0]!.next);
      this.coveredThrough = this.sentThrough = firstSequence - 1;
    }
    const columnOfField = new Map(fieldColumns.map((c) => [c.field, c]));
    this.key = plan.primaryKey.map((p) => valuePath(p, columnOfField));
    this.cursor = plan.cursor ? valuePath(plan.cursor, columnOfField) : undefined;

    // without the raw record in every row, a value with no typed column would be lost, and a key or cursor unreadable
    const dedupReadsRaw = plan.mode === 'append_dedup' && [...this.key, ...(this.cursor ? [this.cursor] : [])].some(readsRawData);
    const rawData = plan.rawData || unwritable || dedupReadsRaw ? 'every_row' : 'when_nulled';
    if (rawData === 'every_row' && !plan.rawData)
      this.log(
        'INFO',
        `${qualifiedName(this.target)} keeps each raw record in _airbyte_data: ${unwritable ? 'a field has a column this destination does not write' : 'a primary key or cursor field has no typed column'}`,
      );
    if (rawData === 'when_nulled' && existing.get('_airbyte_data')?.notNull) await this.session.query(rawDataNullableSql(this.target));

    const dedup = plan.mode === 'append_dedup';
    if (dedup) {
      await this.session.query(createKeyIndexSql(plan.final, this.key));
      await this.session.query(createStageSql(this.stageName, plan.final, this.loadedColumns));
    }
    const copyTarget = dedup ? this.stageName : this.target;
    const metaDefault = await this.claimMetaDefault(copyTarget, RowEncoder.emptyMetaJson(plan.syncId));
    this.encoder = new RowEncoder({
      columns: fieldColumns,
      generationId: plan.generationId,
      syncId: plan.syncId,
      ...(dedup || overwrite ? { withSequence: true, firstSequence } : {}),
      primaryKey: plan.primaryKey,
      rawData,
      metaDefault,
    });
    this.copyStatement = copySql(copyTarget, RowEncoder.columnNames(fieldColumns, dedup || overwrite));
    this.plainCopyStatement = copySql(copyTarget, RowEncoder.columnNames(fieldColumns, dedup || overwrite, false));
  }

  /**
   * Sets `table`'s _airbyte_meta default to this sync's empty meta, so rows without changes
   * leave the column out (see sql.ts). False when another writer owns the default, readers
   * hold the table past the lock timeout, or this role may not alter it: every row then
   * carries its meta.
   */
  private async claimMetaDefault(table: TableRef | string, emptyMeta: string): Promise<boolean> {
    const name = tableSql(table);
    const sendsEveryMeta = (why: string) => {
      this.log('INFO', `${name}: ${why}, so every row carries its own _airbyte_meta (slower to load)`);
      return false;
    };
    const { locked } = (await this.session.query<{ locked: boolean }>(LOCK_META_DEFAULT_SQL, [name])).rows[0]!;
    if (!locked) return sendsEveryMeta('another sync writes it');
    const refused = await this.session.queryIfAllowed(setMetaDefaultSql(table, emptyMeta), META_DEFAULT_LOCK_TIMEOUT_MS);
    if (refused === undefined) return true;
    await this.session.query(UNLOCK_META_DEFAULT_SQL, [name]);
    return sendsEveryMeta(refused === 'locked' ? 'the table was busy' : 'this role may not alter it');
  }

  /**
   * A retry of the same generation continues the staging table, keeping only the rows the
   * stream's last committed state covers; anything else starts afresh. True when resumed.
   */
  private async prepareStaging(): Promise<boolean> {
    const { staging, generationId } = this.plan;
    const existing = await this.columnsOf(staging);
    if (existing.size === 0) return false;
    const foreign = generationId > 0 ? (await this.session.query(hasOtherGenerationSql(staging), [generationId])).rowCount : 1;
    if (foreign !== 0) {
      await this.session.query(dropTableSql(staging));
      return false;
    }
    const comment = (await this.session.query<{ comment: string | null }>(TABLE_COMMENT_SQL, [qualifiedName(staging)])).rows[0]?.comment;
    const covered = coveredThroughOf(comment);
    this.markInTable = covered;
    let dropped = 0;
    // a table without the mark comes from an older version of this destination: kept whole, as it would have
    if (covered !== undefined && existing.has(SEQUENCE_COLUMN)) {
      dropped = (await this.session.query(dropUncoveredRowsSql(staging), [covered])).rowCount ?? 0;
    }
    this.log(
      'INFO',
      `resuming ${qualifiedName(staging)}: it holds rows of generation ${generationId} from an earlier attempt` +
        (dropped > 0 ? ` (dropped ${dropped} rows its last committed state does not cover: they come again)` : ''),
    );
    return true;
  }

  /** Rows received so far are covered by the state that just arrived for this stream. */
  markCovered(): void {
    this.coveredBytes = this.buffer.bytes;
    this.coveredRows = this.rows;
    if (this.plan.mode === 'overwrite') this.coveredThrough = this.encoder!.lastSequence;
  }

  /**
   * overwrite: what the staging table's mark must say once the commit being started is done
   * (taken after its batch): the covered arrival number while rows past it were sent, null to
   * clear a mark no longer needed, undefined to leave it as it is. A commit cut at the state
   * sends only covered rows, so the mark, a catalog write that slows the next COPY, is rare.
   */
  takeCoverage(): number | null | undefined {
    if (this.plan.mode !== 'overwrite' || this.swapped) return undefined;
    const mark = this.sentThrough > this.coveredThrough ? this.coveredThrough : undefined;
    if (mark === this.markInTable) return undefined;
    // the commit taking it is queued behind the ones taken before: the next commit compares with it
    this.markInTable = mark;
    return mark ?? null;
  }

  /** Stores the coverage mark (null: none) in the open transaction: it commits with the state it belongs to. */
  async commitCoverage(mark: number | null): Promise<void> {
    await this.session.query(setCoveredThroughSql(this.plan.staging, mark));
  }

  /** The fields' columns as they are; `unwritable` when some field's column has a type this destination does not write. */
  private fieldColumns(
    existing: ReadonlyMap<string, { type: string }>,
    added: readonly ColumnDefinition[],
  ): { columns: FieldColumn[]; unwritable: boolean } {
    const addedNames = new Set(added.map((c) => c.name));
    const columns: FieldColumn[] = [];
    let unwritable = false;
    for (const column of this.plan.columns) {
      if (addedNames.has(column.name)) {
        columns.push(column);
        continue;
      }
      const actualType = existing.get(column.name)?.type ?? '';
      const kind = kindOfPostgresType(actualType);
      if (kind === undefined) {
        this.log(
          'WARN',
          `column ${column.name} of ${qualifiedName(this.target)} has type ${actualType}, which this destination does not write: it stays NULL (the value is in _airbyte_data)`,
        );
        unwritable = true;
        continue;
      }
      columns.push({ ...column, kind });
    }
    return { columns, unwritable };
  }

  /** Buffers one record; returns the bytes it added. `scanned`: its line, if addScanned declined it. */
  add(record: AirbyteRecordMessage, scanned?: RecordScan): number {
    const before = this.buffer.bytes;
    const meta = this.encoder!.encode(record, this.buffer, scanned);
    this.rows++;
    return this.addedToRun(meta, this.buffer.bytes - before);
  }

  private addedToRun(meta: boolean, bytes: number): number {
    const last = this.runs.at(-1);
    if (last?.meta === meta) last.bytes += bytes;
    else this.runs.push({ meta, bytes });
    if (this.runs.length === MAX_RUNS && this.encoder!.metaDefault) {
      this.encoder!.keepMetaInEveryRow();
      this.log('INFO', `${qualifiedName(this.plan.final)}: many rows with changes, so every row now carries its own _airbyte_meta`);
    }
    return bytes;
  }

  /** What to expect in the data of this stream's next record (see RecordScan.hint). */
  get fieldLookup(): FieldLookup | undefined {
    return this.encoder?.lookup;
  }

  /** Buffers the record of a scanned line; the bytes it added, or -1 when it must be decoded and `add`ed instead. */
  addScanned(scan: RecordScan): number {
    const before = this.buffer.bytes;
    if (!this.encoder!.encodeScanned(scan, this.buffer)) return -1;
    return this.addedPlainRow(before);
  }

  /** Buffers the record of a line in this stream's layout (RowEncoder.encodeTemplated); the bytes it added, or -1 when it is not. */
  addTemplated(buf: Buffer, start: number, end: number): number {
    const before = this.buffer.bytes;
    if (!this.encoder!.encodeTemplated(buf, start, end, this.buffer)) return -1;
    return this.addedPlainRow(before);
  }

  /** A row without changes was appended from `before` on. */
  private addedPlainRow(before: number): number {
    this.rows++;
    return this.addedToRun(!this.encoder!.metaDefault, this.buffer.bytes - before);
  }

  /** bytes buffered and not yet taken */
  get bufferedBytes(): number {
    return this.buffer.bytes;
  }

  /**
   * Hands over buffered rows; undefined when there are none to send. For a commit (`atState`),
   * only the rows the stream's latest state covers go, unless those after it are more than
   * MAX_UNCOVERED_BYTES: what is committed is then exactly what the echoed states cover.
   */
  takeBatch(atState: boolean): Batch | undefined {
    if (this.rows === 0) return undefined;
    const cut = atState && this.coveredRows < this.rows && this.buffer.bytes - this.coveredBytes <= MAX_UNCOVERED_BYTES;
    if (cut && this.coveredRows === 0) return undefined;
    const rows = cut ? this.coveredRows : this.rows;
    const batch = {
      chunks: cut ? this.buffer.takeUpTo(this.coveredBytes) : this.buffer.take(),
      runs: cut ? this.takeRuns(this.coveredBytes) : this.runs.splice(0),
      rows,
      nullKeySeen: this.encoder!.nullKeySeen,
    };
    this.sentThrough = cut ? this.coveredThrough : this.encoder!.lastSequence;
    this.rows -= rows;
    this.coveredBytes = this.coveredRows = 0;
    // with rows left, a null key among them is still to be merged: the flag stays
    if (this.rows === 0) this.encoder!.resetBatch();
    return batch;
  }

  /** The runs of the first `bytes` buffered bytes (a row boundary); the rest stay. */
  private takeRuns(bytes: number): Run[] {
    const taken: Run[] = [];
    while (bytes > 0) {
      const run = this.runs[0]!;
      if (run.bytes > bytes) {
        taken.push({ meta: run.meta, bytes });
        run.bytes -= bytes;
        break;
      }
      taken.push(this.runs.shift()!);
      bytes -= run.bytes;
    }
    return taken;
  }

  async load(batch: Batch): Promise<void> {
    let rows = 0;
    let rest = batch.chunks;
    for (const run of batch.runs) {
      const [chunks, after] = splitChunks(rest, run.bytes);
      rows += await this.session.copyIn(run.meta ? this.copyStatement : this.plainCopyStatement, chunks);
      rest = after;
    }
    // the server has all of it: the memory can take new rows
    this.buffer.recycle(batch.chunks);
    if (this.plan.mode === 'append_dedup') {
      const merge = {
        stage: this.stageName,
        final: this.plan.final,
        columns: this.loadedColumns,
        key: this.key,
        ...(this.cursor ? { cursor: this.cursor } : {}),
        ...(this.plan.dropsOlderGenerations ? { minimumGeneration: this.plan.generationId } : {}),
      };
      await this.session.query(mergeSql({ ...merge, keysWithNull: false }));
      if (batch.nullKeySeen) await this.session.query(mergeSql({ ...merge, keysWithNull: true }));
      await this.session.query(`TRUNCATE ${quoteIdent(this.stageName)}`);
    }
    this.log('INFO', `loaded ${rows} rows into ${qualifiedName(this.plan.mode === 'append_dedup' ? this.plan.final : this.target)}`);
  }

  /**
   * End of a successful sync for this stream: overwrite swaps the staging table in,
   * a truncating refresh deletes the older generations.
   */
  async finish(): Promise<void> {
    const { plan } = this;
    if (plan.mode === 'overwrite') {
      for (const sql of swapTableSql(plan.staging, plan.final)) await this.session.query(sql);
      this.swapped = true; // the staging table is gone: nothing left to mark
      this.log('INFO', `replaced ${qualifiedName(plan.final)} with the data of this sync`);
    } else if (plan.dropsOlderGenerations) {
      const deleted = await this.session.query(deleteOlderGenerationsSql(plan.final), [plan.generationId]);
      this.log(
        'INFO',
        `deleted ${deleted.rowCount ?? 0} rows of generations before ${plan.generationId} from ${qualifiedName(plan.final)}`,
      );
    }
  }
}
