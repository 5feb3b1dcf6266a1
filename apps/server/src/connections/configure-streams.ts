/**
 * Turns the API's stream selection into the ConfiguredAirbyteCatalog the connectors
 * receive, checked against the source's discovered catalog and what the destination
 * supports. Every problem is reported with the path of the stream field at fault.
 */
import type { AirbyteCatalog, AirbyteStream, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, DestinationSyncMode, SyncMode } from '@tributary/protocol';
import type { FieldError } from '@tributary/db';
import type { StreamConfigurationDto, StreamSyncMode } from './connection.dto.js';

const MODES: Record<StreamSyncMode, [SyncMode, DestinationSyncMode]> = {
  full_refresh_overwrite: ['full_refresh', 'overwrite'],
  full_refresh_append: ['full_refresh', 'append'],
  incremental_append: ['incremental', 'append'],
  incremental_dedup: ['incremental', 'append_dedup'],
};

const nonEmpty = <T>(value: T[] | null | undefined): T[] | undefined => (value && value.length > 0 ? value : undefined);
const samePath = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Whether `path` names a property in the stream's JSON schema (nested objects followed). */
function hasField(stream: AirbyteStream, path: string[]): boolean {
  let schema: unknown = stream.json_schema;
  for (const key of path) {
    const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
    if (!properties || !(key in properties)) return false;
    schema = properties[key];
  }
  return path.length > 0;
}

export function configureStreams(
  catalog: AirbyteCatalog,
  selection: StreamConfigurationDto[],
  destinationModes: readonly string[] | undefined,
): { catalog: ConfiguredAirbyteCatalog; errors: [] } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const streams: ConfiguredAirbyteStream[] = [];

  selection.forEach((wanted, i) => {
    const at = (field: string, message: string) => errors.push({ path: `/streams/${i}/${field}`, message });
    const id = `${wanted.namespace ?? ''}.${wanted.name}`;
    if (seen.has(id)) return at('name', 'is selected twice');
    seen.add(id);
    const stream = catalog.streams.find((s) => s.name === wanted.name && (s.namespace ?? null) === (wanted.namespace ?? null));
    if (!stream) return at('name', `is not a stream of the source's catalog (${catalog.streams.map((s) => s.name).join(', ')})`);

    const [syncMode, destinationSyncMode] = MODES[wanted.syncMode];
    if (destinationModes && !destinationModes.includes(destinationSyncMode)) {
      at('syncMode', `the destination does not support ${destinationSyncMode} (it supports ${destinationModes.join(', ')})`);
    }

    let cursor: string[] | undefined;
    if (syncMode === 'incremental') {
      if (!stream.supported_sync_modes.includes('incremental')) at('syncMode', 'the stream does not support incremental sync');
      const sourceCursor = nonEmpty(stream.default_cursor_field);
      if (stream.source_defined_cursor && sourceCursor) {
        if (wanted.cursorField && !samePath(wanted.cursorField, sourceCursor)) at('cursorField', `the source defines the cursor (${sourceCursor.join('.')})`);
        cursor = sourceCursor;
      } else {
        cursor = nonEmpty(wanted.cursorField) ?? sourceCursor;
        if (!cursor) at('cursorField', 'is required for incremental sync');
        else if (!hasField(stream, cursor)) at('cursorField', `${cursor.join('.')} is not a field of the stream`);
      }
    }

    const sourceKey = nonEmpty(stream.source_defined_primary_key);
    let primaryKey = sourceKey;
    if (wanted.primaryKey !== undefined) {
      const wellFormed = wanted.primaryKey.every((p) => Array.isArray(p) && p.length > 0 && p.every((k) => typeof k === 'string'));
      if (!wellFormed) at('primaryKey', 'must be a list of field paths, e.g. [["id"]]');
      else if (sourceKey && !samePath(wanted.primaryKey, sourceKey)) at('primaryKey', `the source defines the primary key (${JSON.stringify(sourceKey)})`);
      else {
        primaryKey = nonEmpty(wanted.primaryKey);
        const missing = primaryKey?.find((p) => !hasField(stream, p));
        if (missing) at('primaryKey', `${missing.join('.')} is not a field of the stream`);
      }
    }
    if (destinationSyncMode === 'append_dedup' && !primaryKey) at('primaryKey', 'is required for dedup');

    streams.push({
      stream,
      sync_mode: syncMode,
      destination_sync_mode: destinationSyncMode,
      ...(cursor ? { cursor_field: cursor } : {}),
      ...(primaryKey ? { primary_key: primaryKey } : {}),
    });
  });

  return errors.length > 0 ? { errors } : { catalog: { streams }, errors: [] };
}

/** The API's view of a configured catalog. */
export function streamsOf(catalog: ConfiguredAirbyteCatalog): StreamConfigurationDto[] {
  return catalog.streams.map((s) => {
    const mode = (Object.entries(MODES) as [StreamSyncMode, [SyncMode, DestinationSyncMode]][]).find(
      ([, [sync, destination]]) => sync === s.sync_mode && destination === s.destination_sync_mode,
    )?.[0];
    return {
      name: s.stream.name,
      namespace: s.stream.namespace ?? null,
      syncMode: mode ?? 'full_refresh_overwrite',
      ...(s.cursor_field ? { cursorField: s.cursor_field } : {}),
      ...(s.primary_key ? { primaryKey: s.primary_key } : {}),
    };
  });
}
