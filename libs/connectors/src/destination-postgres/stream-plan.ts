/**
 * What the destination will do for each configured stream: which table, which mode,
 * which columns, key and cursor, which generation. Decided once, before any data.
 */
import { ConnectorError, type ConfiguredAirbyteCatalog, type ConfiguredAirbyteStream } from '@tributary/protocol';
import { streamKey } from '../destination-common/index.js';
import { columnKindForSchema, schemaProperties } from './column-types.js';
import { columnNames, postgresIdentifier, qualifiedName, type TableRef } from './identifiers.js';
import { SEQUENCE_COLUMN, type FieldColumn } from './row-encoder.js';

export type LoadMode = 'append' | 'append_dedup' | 'overwrite';

/** The destination's own columns; a field with one of these names gets a hashed column name. */
export const AIRBYTE_COLUMNS = [
  '_airbyte_raw_id',
  '_airbyte_extracted_at',
  '_airbyte_meta',
  '_airbyte_generation_id',
  '_airbyte_data',
] as const;
const RESERVED_COLUMNS: ReadonlySet<string> = new Set([...AIRBYTE_COLUMNS, SEQUENCE_COLUMN]);

export interface StreamPlan {
  name: string;
  namespace?: string;
  mode: LoadMode;
  final: TableRef;
  /** overwrite: where the new data goes until it replaces `final` at the end */
  staging: TableRef;
  /** typed columns the stream schema asks for, in schema order */
  columns: FieldColumn[];
  /** append_dedup: primary key paths */
  primaryKey: string[][];
  /** append_dedup: cursor path; without one, the latest arrival wins */
  cursor?: string[];
  generationId: number;
  syncId?: number;
  /** rows of generations below `generationId` are deleted once the sync succeeds */
  dropsOlderGenerations: boolean;
  /** the config asks to keep every record whole in `_airbyte_data` */
  rawData: boolean;
}

export function describeStream(namespace: string | null | undefined, name: string): string {
  return namespace ? `${namespace}.${name}` : name;
}

function loadMode(configured: ConfiguredAirbyteStream): LoadMode {
  const mode = configured.destination_sync_mode;
  if (mode === 'append' || mode === 'append_dedup' || mode === 'overwrite') return mode;
  throw new ConnectorError(
    `stream ${describeStream(configured.stream.namespace, configured.stream.name)}: destination sync mode "${mode}" is not supported (use append, append_dedup or overwrite)`,
    'config_error',
  );
}

function nonEmptyPaths(paths: readonly (readonly string[])[] | null | undefined): string[][] {
  return (paths ?? []).filter((p) => p.length > 0).map((p) => [...p]);
}

export interface PlanOptions {
  /** schema for streams without a namespace */
  defaultSchema: string;
  rawData: boolean;
}

export function planStream(configured: ConfiguredAirbyteStream, { defaultSchema, rawData }: PlanOptions): StreamPlan {
  const { stream } = configured;
  const label = describeStream(stream.namespace, stream.name);
  const mode = loadMode(configured);
  const properties = schemaProperties(stream.json_schema);
  const names = columnNames(
    properties.map(([field]) => field),
    RESERVED_COLUMNS,
  );
  const columns = properties.map(([field, schema]) => ({ field, name: names.get(field) ?? field, kind: columnKindForSchema(schema) }));

  const primaryKey = nonEmptyPaths(configured.primary_key?.length ? configured.primary_key : stream.source_defined_primary_key);
  if (mode === 'append_dedup' && primaryKey.length === 0) {
    throw new ConnectorError(`stream ${label}: append_dedup needs a primary key`, 'config_error');
  }
  const cursorPath = configured.cursor_field?.length ? configured.cursor_field : stream.default_cursor_field;
  const cursor = cursorPath && cursorPath.length > 0 ? [...cursorPath] : undefined;

  const schema = postgresIdentifier(stream.namespace || defaultSchema);
  const finalName = postgresIdentifier(stream.name);
  const generationId = configured.generation_id ?? 0;
  const minimumGenerationId = configured.minimum_generation_id ?? 0;
  return {
    name: stream.name,
    ...(stream.namespace ? { namespace: stream.namespace } : {}),
    mode,
    final: { schema, name: finalName },
    staging: { schema, name: postgresIdentifier(`${finalName}_airbyte_tmp`) },
    columns,
    primaryKey,
    ...(cursor ? { cursor } : {}),
    generationId,
    ...(typeof configured.sync_id === 'number' ? { syncId: configured.sync_id } : {}),
    dropsOlderGenerations: mode !== 'overwrite' && generationId > 0 && minimumGenerationId === generationId,
    rawData,
  };
}

/** Plans every configured stream, keyed by streamKey(name, namespace); two streams may not share a table. */
export function planStreams(catalog: ConfiguredAirbyteCatalog, options: PlanOptions): Map<string, StreamPlan> {
  const plans = new Map<string, StreamPlan>();
  const tables = new Map<string, string>();
  for (const configured of catalog.streams) {
    const plan = planStream(configured, options);
    const label = describeStream(plan.namespace, plan.name);
    for (const table of plan.mode === 'overwrite' ? [plan.final, plan.staging] : [plan.final]) {
      const other = tables.get(qualifiedName(table));
      if (other !== undefined && other !== label) {
        throw new ConnectorError(`streams ${other} and ${label} would both write table ${qualifiedName(table)}`, 'config_error');
      }
      tables.set(qualifiedName(table), label);
    }
    const key = streamKey(plan.name, plan.namespace);
    if (plans.has(key)) throw new ConnectorError(`stream ${label} is configured twice in the catalog`, 'config_error');
    plans.set(key, plan);
  }
  return plans;
}
