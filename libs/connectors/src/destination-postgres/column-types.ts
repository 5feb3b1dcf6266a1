/**
 * How a stream's JSON schema becomes typed columns. Each top-level property gets one
 * column; anything that is not a single scalar type (objects, arrays, unions, missing
 * or unknown types) is stored as jsonb, so no value is ever refused by the column.
 */

/** The value encodings the loader knows; each maps to exactly one Postgres type. */
export type ColumnKind =
  | 'text'
  | 'bigint'
  | 'numeric'
  | 'float8'
  | 'boolean'
  | 'date'
  | 'timestamptz'
  | 'timestamp'
  | 'time'
  | 'timetz'
  | 'jsonb'
  | 'json'
  | 'uuid';

export const POSTGRES_TYPE: Record<ColumnKind, string> = {
  text: 'text',
  bigint: 'bigint',
  numeric: 'numeric',
  float8: 'double precision',
  boolean: 'boolean',
  date: 'date',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  time: 'time without time zone',
  timetz: 'time with time zone',
  jsonb: 'jsonb',
  // only ever an existing column's type: its binary form lacks jsonb's version byte
  json: 'json',
  uuid: 'uuid',
};

/** Existing columns (e.g. created by an older schema) keep their type: the loader encodes for it. */
const KIND_OF_POSTGRES_TYPE: Record<string, ColumnKind> = {
  ...Object.fromEntries(Object.entries(POSTGRES_TYPE).map(([kind, type]) => [type, kind as ColumnKind])),
  'character varying': 'text',
};

/** The kind for a type as `format_type()` prints it; undefined when the loader cannot write it. */
export function kindOfPostgresType(formatted: string): ColumnKind | undefined {
  return KIND_OF_POSTGRES_TYPE[formatted];
}

type JsonSchema = Record<string, unknown>;

const isSchema = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The non-null alternatives of a schema: `type` lists and anyOf/oneOf unions. */
function alternatives(schema: JsonSchema): JsonSchema[] | undefined {
  const type = schema['type'];
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    return nonNull.map((t) => ({ ...schema, type: t }));
  }
  const union = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(union)) {
    return union.filter(isSchema).filter((s) => s['type'] !== 'null');
  }
  return undefined;
}

function stringKind(schema: JsonSchema): ColumnKind {
  const format = schema['format'];
  const airbyteType = schema['airbyte_type'];
  if (format === 'date-time') return airbyteType === 'timestamp_without_timezone' ? 'timestamp' : 'timestamptz';
  if (format === 'date') return 'date';
  if (format === 'time') return airbyteType === 'time_with_timezone' ? 'timetz' : 'time';
  return 'text';
}

export function columnKindForSchema(schema: unknown): ColumnKind {
  if (!isSchema(schema)) return 'jsonb';
  const options = alternatives(schema);
  if (options) return options.length === 1 ? columnKindForSchema(options[0]) : 'jsonb';
  switch (schema['type']) {
    case 'string':
      return stringKind(schema);
    case 'integer':
      return 'bigint';
    case 'number':
      return schema['airbyte_type'] === 'integer' ? 'bigint' : 'numeric';
    case 'boolean':
      return 'boolean';
    default:
      return 'jsonb';
  }
}

/** Top-level properties of a stream schema, in schema order. */
export function schemaProperties(streamSchema: Record<string, unknown>): [string, unknown][] {
  const properties = streamSchema['properties'];
  return isSchema(properties) ? Object.entries(properties) : [];
}
