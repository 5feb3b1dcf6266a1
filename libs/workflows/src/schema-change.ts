/**
 * Schema-change detection (pure): compares the streams a connection is configured with
 * against what the source discovers now. Breaking = a selected stream's cursor or primary
 * key field is gone or changed type; everything else (columns or streams added/removed)
 * is non-breaking and handled by the connection's policy.
 *
 * A stream with a field selection is compared on its selected fields only: its configured
 * schema lists just those, and the fields it leaves out (whether the source adds or drops
 * them) are no change to what the connection syncs. New source fields are therefore not
 * selected by propagation either: a selection says which fields to sync, and stays so.
 */
import { schemaWithFields, selectedFieldsOf, type StreamFieldSelection } from '@tributary/domain';
import type { AirbyteCatalog, AirbyteStream, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '@tributary/protocol';

export type NonBreakingChangesPolicy = 'ignore' | 'disable' | 'propagate_columns' | 'propagate_fully';

export interface StreamSchemaChange {
  /** `namespace.name`, or `name` without a namespace */
  stream: string;
  addedFields: string[];
  removedFields: string[];
  changedFields: string[];
}

export interface CatalogDiff {
  addedStreams: string[];
  removedStreams: string[];
  changedStreams: StreamSchemaChange[];
  /** why the change is breaking, one line each; empty when it is not */
  breaking: string[];
}

const streamKey = (s: { name: string; namespace?: string | null }): string => (s.namespace ? `${s.namespace}.${s.name}` : s.name);

function properties(stream: AirbyteStream): Record<string, unknown> {
  const props = (stream.json_schema as { properties?: unknown }).properties;
  return props && typeof props === 'object' ? (props as Record<string, unknown>) : {};
}

export const hasChanges = (diff: CatalogDiff): boolean =>
  diff.addedStreams.length + diff.removedStreams.length + diff.changedStreams.length + diff.breaking.length > 0;

export function diffCatalog(
  configured: ConfiguredAirbyteCatalog,
  discovered: AirbyteCatalog,
  fieldSelection: readonly StreamFieldSelection[] = [],
): CatalogDiff {
  const found = new Map(discovered.streams.map((s) => [streamKey(s), s]));
  const configuredKeys = new Set(configured.streams.map((s) => streamKey(s.stream)));
  const diff: CatalogDiff = {
    addedStreams: discovered.streams.map(streamKey).filter((k) => !configuredKeys.has(k)),
    removedStreams: [],
    changedStreams: [],
    breaking: [],
  };
  for (const cs of configured.streams) {
    const key = streamKey(cs.stream);
    const now = found.get(key);
    if (!now) {
      diff.removedStreams.push(key);
      continue;
    }
    const before = properties(cs.stream);
    const selected = selectedFieldsOf(fieldSelection, cs.stream);
    const after = properties(selected ? { ...now, json_schema: schemaWithFields(now.json_schema, selected) } : now);
    const change: StreamSchemaChange = {
      stream: key,
      addedFields: Object.keys(after).filter((f) => !(f in before)),
      removedFields: Object.keys(before).filter((f) => !(f in after)),
      changedFields: Object.keys(before).filter((f) => f in after && JSON.stringify(before[f]) !== JSON.stringify(after[f])),
    };
    if (change.addedFields.length + change.removedFields.length + change.changedFields.length > 0) diff.changedStreams.push(change);
    // only top-level fields can be compared when the configured schema lists them
    if (Object.keys(before).length === 0) continue;
    const lost = (field: string | undefined) =>
      field !== undefined && (change.removedFields.includes(field) || change.changedFields.includes(field));
    const cursor = cs.sync_mode === 'incremental' ? cs.cursor_field?.[0] : undefined;
    if (lost(cursor)) diff.breaking.push(`${key}: cursor field ${cursor} was removed or changed`);
    for (const path of cs.primary_key ?? []) {
      if (lost(path[0])) diff.breaking.push(`${key}: primary key field ${path[0]} was removed or changed`);
    }
  }
  return diff;
}

function newStream(stream: AirbyteStream): ConfiguredAirbyteStream {
  const incremental = stream.supported_sync_modes.includes('incremental') && stream.source_defined_cursor === true;
  return {
    stream,
    sync_mode: incremental ? 'incremental' : 'full_refresh',
    cursor_field: incremental ? (stream.default_cursor_field ?? undefined) : undefined,
    destination_sync_mode: incremental ? 'append' : 'overwrite',
    primary_key: stream.source_defined_primary_key ?? undefined,
  };
}

/**
 * The configured catalog after propagating non-breaking changes: configured streams take the
 * discovered schema (new columns flow through; only the selected ones of a stream with a field
 * selection), streams the source dropped are dropped, and with propagate_fully new streams are
 * added with default sync modes.
 */
export function propagateChanges(
  configured: ConfiguredAirbyteCatalog,
  discovered: AirbyteCatalog,
  policy: 'propagate_columns' | 'propagate_fully',
  fieldSelection: readonly StreamFieldSelection[] = [],
): ConfiguredAirbyteCatalog {
  const found = new Map(discovered.streams.map((s) => [streamKey(s), s]));
  const streams: ConfiguredAirbyteStream[] = [];
  for (const cs of configured.streams) {
    const now = found.get(streamKey(cs.stream));
    if (!now) continue;
    const selected = selectedFieldsOf(fieldSelection, cs.stream);
    streams.push({ ...cs, stream: selected ? { ...now, json_schema: schemaWithFields(now.json_schema, selected) } : now });
  }
  if (policy === 'propagate_fully') {
    const configuredKeys = new Set(configured.streams.map((s) => streamKey(s.stream)));
    for (const s of discovered.streams) if (!configuredKeys.has(streamKey(s))) streams.push(newStream(s));
  }
  return { ...configured, streams };
}
