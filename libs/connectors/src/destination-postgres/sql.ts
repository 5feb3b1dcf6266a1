/**
 * The SQL the loader runs. Every identifier goes through quoteIdent and every value
 * derived from input through quoteLiteral or a bind parameter.
 */
import { POSTGRES_TYPE, type ColumnKind } from './column-types.js';
import { derivedIdentifier, qualifiedName, quoteIdent, quoteLiteral, type TableRef } from './identifiers.js';
import { SEQUENCE_COLUMN } from './row-encoder.js';

export interface ColumnDefinition {
  name: string;
  /** a type as SQL spells it, e.g. `bigint` or `timestamp with time zone` */
  type: string;
}

/** The destination's own columns, before and after the stream's fields. */
export const LEADING_AIRBYTE_COLUMNS: readonly ColumnDefinition[] = [
  { name: '_airbyte_raw_id', type: 'uuid' },
  { name: '_airbyte_extracted_at', type: 'timestamp with time zone' },
  { name: '_airbyte_meta', type: 'jsonb' },
  { name: '_airbyte_generation_id', type: 'bigint' },
];
export const TRAILING_AIRBYTE_COLUMNS: readonly ColumnDefinition[] = [{ name: '_airbyte_data', type: 'jsonb' }];

export const columnDefinition = (name: string, kind: ColumnKind): ColumnDefinition => ({ name, type: POSTGRES_TYPE[kind] });

// _airbyte_data is NULL in rows that keep no raw record (the config's raw_data)
const NOT_NULL: ReadonlySet<string> = new Set(['_airbyte_raw_id', '_airbyte_extracted_at', '_airbyte_meta']);

/**
 * Settings for the loader's session. Dedup stages and their sorts are a batch in size:
 * give them memory. The merge always probes the key index: the final table grows inside
 * the sync's transaction, so planner statistics lag behind it, and a hash join would scan
 * the whole final table for every batch.
 */
export function sessionSettingsSql(dedup: boolean): string[] {
  const settings = ["SET temp_buffers = '64MB'", "SET work_mem = '64MB'", 'SET jit = off'];
  if (dedup) settings.push('SET enable_hashjoin = off', 'SET enable_mergejoin = off');
  return settings;
}

export function createSchemaSql(schema: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`;
}

export const SCHEMA_EXISTS_SQL = 'SELECT 1 FROM pg_namespace WHERE nspname = $1';

/** Columns of a table (none when it does not exist) with their types as format_type() prints them. */
export const TABLE_COLUMNS_SQL = `
  SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY a.attnum`;

export function createTableSql(table: TableRef, fieldColumns: readonly ColumnDefinition[]): string {
  const columns = [...LEADING_AIRBYTE_COLUMNS, ...fieldColumns, ...TRAILING_AIRBYTE_COLUMNS].map(
    (c) => `${quoteIdent(c.name)} ${c.type}${NOT_NULL.has(c.name) ? ' NOT NULL' : ''}`,
  );
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(table)} (\n  ${columns.join(',\n  ')}\n)`;
}

/** Adds columns that a newer schema introduced (nullable: existing rows have no value). */
export function addColumnsSql(table: TableRef, columns: readonly ColumnDefinition[]): string {
  return `ALTER TABLE ${qualifiedName(table)} ${columns.map((c) => `ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${c.type}`).join(', ')}`;
}

/** Tables of older versions have `_airbyte_data NOT NULL`: rows without a raw record need it nullable. */
export function rawDataNullableSql(table: TableRef): string {
  return `ALTER TABLE ${qualifiedName(table)} ALTER COLUMN "_airbyte_data" DROP NOT NULL`;
}

export function dropTableSql(table: TableRef): string {
  return `DROP TABLE IF EXISTS ${qualifiedName(table)}`;
}

/** A table of ours by name (a session's temp table) or a qualified one, as SQL writes it. */
export const tableSql = (table: TableRef | string): string => (typeof table === 'string' ? quoteIdent(table) : qualifiedName(table));

export function copySql(table: TableRef | string, columns: readonly string[]): string {
  return `COPY ${tableSql(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN (FORMAT binary)`;
}

// --- the _airbyte_meta default ------------------------------------------------------------
// A row without changes leaves _airbyte_meta to the column's default, set to the sync's empty
// meta: Postgres then parses no jsonb for it. One writer at a time owns a table's default: it
// holds a session advisory lock on the table (released when its connection ends), and any
// other writer sends every row's meta itself.

/** The advisory lock space of meta defaults ('tMDF'); the table's oid, shifted into int4, is the key. */
const META_DEFAULT_LOCK_SPACE = 0x744d4446;

const META_DEFAULT_LOCK_KEY = `${META_DEFAULT_LOCK_SPACE}, ($1::regclass::oid::bigint - 2147483648)::int`;

export const LOCK_META_DEFAULT_SQL = `SELECT pg_try_advisory_lock(${META_DEFAULT_LOCK_KEY}) AS locked`;
export const UNLOCK_META_DEFAULT_SQL = `SELECT pg_advisory_unlock(${META_DEFAULT_LOCK_KEY})`;

export function setMetaDefaultSql(table: TableRef | string, emptyMeta: string): string {
  return `ALTER TABLE ${tableSql(table)} ALTER COLUMN "_airbyte_meta" SET DEFAULT ${quoteLiteral(emptyMeta)}::jsonb`;
}

/** True when some row belongs to another generation: such a staging table cannot be resumed. */
export function hasOtherGenerationSql(table: TableRef): string {
  return `SELECT 1 FROM ${qualifiedName(table)} WHERE _airbyte_generation_id IS DISTINCT FROM $1 LIMIT 1`;
}

// --- overwrite staging -----------------------------------------------------------------
// Staging rows carry their arrival number (SEQUENCE_COLUMN, across attempts), and the table's
// comment says up to which number the stream's last committed state covers them: a resumed
// attempt drops the rows after it, which the source is about to send again.

/** The staging table's arrival-number column (its rows only; dropped before the swap). */
export const STAGING_SEQUENCE_COLUMN: ColumnDefinition = { name: SEQUENCE_COLUMN, type: 'bigint' };

/** The staging table's mark of the arrival number its committed state covers; null clears it (every row is covered). */
export function setCoveredThroughSql(staging: TableRef, coveredThrough: number | null): string {
  const comment = coveredThrough === null ? 'NULL' : `'${JSON.stringify({ tributary_covered_through: coveredThrough })}'`;
  return `COMMENT ON TABLE ${qualifiedName(staging)} IS ${comment}`;
}

export const TABLE_COMMENT_SQL = `SELECT obj_description(to_regclass($1), 'pg_class') AS comment`;

/** The covered arrival number in a staging table's comment; undefined if it has none (an older destination's table). */
export function coveredThroughOf(comment: string | null | undefined): number | undefined {
  try {
    const covered = (JSON.parse(comment ?? 'null') as { tributary_covered_through?: unknown } | null)?.tributary_covered_through;
    return typeof covered === 'number' ? covered : undefined;
  } catch {
    return undefined;
  }
}

export function dropUncoveredRowsSql(staging: TableRef): string {
  return `DELETE FROM ${qualifiedName(staging)} WHERE ${quoteIdent(SEQUENCE_COLUMN)} > $1 OR ${quoteIdent(SEQUENCE_COLUMN)} IS NULL`;
}

export function nextSequenceSql(staging: TableRef): string {
  return `SELECT coalesce(max(${quoteIdent(SEQUENCE_COLUMN)}) + 1, 0)::text AS next FROM ${qualifiedName(staging)}`;
}

/** Replaces `final` by `staging` (run inside a transaction: readers see old or new, never neither). */
export function swapTableSql(staging: TableRef, final: TableRef): string[] {
  return [
    `ALTER TABLE ${qualifiedName(staging)} DROP COLUMN IF EXISTS ${quoteIdent(SEQUENCE_COLUMN)}`,
    `COMMENT ON TABLE ${qualifiedName(staging)} IS NULL`,
    dropTableSql(final),
    `ALTER TABLE ${qualifiedName(staging)} RENAME TO ${quoteIdent(final.name)}`,
  ];
}

export function deleteOlderGenerationsSql(table: TableRef): string {
  return `DELETE FROM ${qualifiedName(table)} WHERE _airbyte_generation_id IS NULL OR _airbyte_generation_id < $1`;
}

// --- dedup ---------------------------------------------------------------------------

/**
 * How a primary key part or the cursor is read: its typed column for a top-level field
 * that has one; a nested path inside the jsonb column of its top-level field; else the
 * jsonb at that path of the raw record (which the stream then keeps in every row).
 */
export type ValuePath =
  { column: string; field: string } | { jsonColumn: string; path: readonly string[] } | { jsonPath: readonly string[] };

/** A loaded column as a key or cursor path sees it. */
export interface LoadedColumn {
  name: string;
  kind: ColumnKind;
}

export function valuePath(path: readonly string[], columnOfField: ReadonlyMap<string, LoadedColumn>): ValuePath {
  const [field, ...rest] = path;
  const column = field === undefined ? undefined : columnOfField.get(field);
  if (column && rest.length === 0) return { column: column.name, field: field! };
  if (column && column.kind === 'jsonb') return { jsonColumn: column.name, path: rest };
  return { jsonPath: path };
}

/** True when the path is read from the raw record: every row must keep it. */
export const readsRawData = (value: ValuePath): boolean => 'jsonPath' in value;

/**
 * A typed key part is NULL for a null value and for one its type cannot hold ("abc" for an
 * integer): the raw value tells the second kind apart, so such records are not merged into one.
 */
function rawWhenNullExpr(value: ValuePath, alias: string): string | undefined {
  if (!('column' in value)) return undefined;
  return `(CASE WHEN ${valueExpr(value, alias)} IS NULL THEN nullif(${alias}."_airbyte_data" -> ${quoteLiteral(value.field)}, 'null'::jsonb) END)`;
}

const textArray = (path: readonly string[]) => `ARRAY[${path.map(quoteLiteral).join(', ')}]::text[]`;

function valueExpr(value: ValuePath, alias?: string): string {
  const prefix = alias ? `${alias}.` : '';
  if ('column' in value) return `${prefix}${quoteIdent(value.column)}`;
  if ('jsonColumn' in value) return `(${prefix}${quoteIdent(value.jsonColumn)} #> ${textArray(value.path)})`;
  return `(${prefix}"_airbyte_data" #> ${textArray(value.jsonPath)})`;
}

export function primaryKeyIndexName(table: TableRef, key: readonly ValuePath[]): string {
  // named as before fields were noted beside columns: existing tables keep their index
  const named = key.map((k) => ('column' in k ? { column: k.column } : k));
  return derivedIdentifier(table.name, 'pk', JSON.stringify([table.schema, table.name, named]));
}

/** A plain index on the key: the merge finds existing rows of a key through it. */
export function createKeyIndexSql(table: TableRef, key: readonly ValuePath[]): string {
  const exprs = key.map((k) => ('column' in k ? valueExpr(k) : `(${valueExpr(k)})`));
  return `CREATE INDEX IF NOT EXISTS ${quoteIdent(primaryKeyIndexName(table, key))} ON ${qualifiedName(table)} (${exprs.join(', ')})`;
}

/** A session-private table with the loaded columns' exact types, plus the arrival sequence. */
export function createStageSql(stage: string, final: TableRef, columns: readonly string[]): string {
  return `CREATE TEMP TABLE IF NOT EXISTS ${quoteIdent(stage)} AS SELECT ${columns.map(quoteIdent).join(', ')}, 0::bigint AS ${quoteIdent(SEQUENCE_COLUMN)} FROM ${qualifiedName(final)} WITH NO DATA`;
}

export interface MergeSpec {
  stage: string;
  final: TableRef;
  /** columns copied from stage to final */
  columns: readonly string[];
  key: readonly ValuePath[];
  cursor?: ValuePath;
  /**
   * Which staged keys to merge: complete ones (false), matched with `=` so the key index
   * and hash joins work, or those with a NULL part (true), matched NULL-safely. A key's
   * NULL parts are the same in every row that matches it, so the two runs never overlap.
   */
  keysWithNull: boolean;
  /** rows of generations below this never win against new rows (they are deleted at the end) */
  minimumGeneration?: number;
}

/**
 * Keeps one row per key: the batch's best row per key (greatest cursor, NULL cursors
 * lowest, ties to the latest arrival) replaces the final table's rows of that key unless
 * one of them has a greater cursor. One statement: the CTEs all see the same snapshot.
 */
export function mergeSql(spec: MergeSpec): string {
  const cols = spec.columns.map(quoteIdent).join(', ');
  const stageKey = spec.key.map((k) => valueExpr(k, 's'));
  const stageFilter = spec.keysWithNull
    ? `(${stageKey.map((k) => `${k} IS NULL`).join(' OR ')})`
    : stageKey.map((k) => `${k} IS NOT NULL`).join(' AND ');
  const eq = spec.keysWithNull ? 'IS NOT DISTINCT FROM' : '=';
  let keyMatch = spec.key.map((k) => `${valueExpr(k, 'f')} ${eq} ${valueExpr(k, 'w')}`).join(' AND ');
  const rawParts = spec.keysWithNull ? spec.key.filter((k) => 'column' in k) : [];
  for (const k of rawParts) keyMatch += ` AND ${rawWhenNullExpr(k, 'f')} IS NOT DISTINCT FROM ${rawWhenNullExpr(k, 'w')}`;
  for (const k of rawParts) stageKey.push(rawWhenNullExpr(k, 's')!);
  // implied by the match, but indexable: the final rows that can match have a NULL part too
  if (spec.keysWithNull) keyMatch += ` AND (${spec.key.map((k) => `${valueExpr(k, 'f')} IS NULL`).join(' OR ')})`;
  const order = [...stageKey];
  let finalWins = 'false';
  if (spec.cursor) {
    const fc = valueExpr(spec.cursor, 'f');
    const wc = valueExpr(spec.cursor, 'w');
    order.push(`${valueExpr(spec.cursor, 's')} DESC NULLS LAST`);
    finalWins = `(COALESCE(${fc} > ${wc}, false) OR (${wc} IS NULL AND ${fc} IS NOT NULL))`;
    if (spec.minimumGeneration !== undefined)
      finalWins = `(COALESCE(f."_airbyte_generation_id" >= ${spec.minimumGeneration}, false) AND ${finalWins})`;
  }
  order.push(`s.${quoteIdent(SEQUENCE_COLUMN)} DESC`);
  return `WITH winners AS (
  SELECT DISTINCT ON (${stageKey.join(', ')}) ${spec.columns.map((c) => `s.${quoteIdent(c)}`).join(', ')}
  FROM ${quoteIdent(spec.stage)} s
  WHERE ${stageFilter}
  ORDER BY ${order.join(', ')}
), replaced AS (
  DELETE FROM ${qualifiedName(spec.final)} f USING winners w WHERE ${keyMatch} AND NOT ${finalWins}
)
INSERT INTO ${qualifiedName(spec.final)} (${cols})
SELECT ${spec.columns.map((c) => `w.${quoteIdent(c)}`).join(', ')} FROM winners w
WHERE NOT EXISTS (SELECT 1 FROM ${qualifiedName(spec.final)} f WHERE ${keyMatch} AND ${finalWins})`;
}
