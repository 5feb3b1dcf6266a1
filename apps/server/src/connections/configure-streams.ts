/**
 * Turns the API's stream selection into the ConfiguredAirbyteCatalog the connectors
 * receive, checked against the source's discovered catalog and what the destination
 * supports. Every problem is reported with the path of the stream field at fault.
 *
 * Selected fields (Airbyte's field selection) stay out of the catalog, which connectors get
 * as it is: they come back as a separate list, and a selected stream's json_schema lists only
 * its selected fields (so a destination creates only those columns).
 */
import {
  STREAM_SYNC_MODES,
  schemaWithFields,
  selectedFieldsOf,
  streamSyncModeOf,
  type FieldError,
  type StreamFieldSelection,
} from '@tributary/domain';
import type { AirbyteCatalog, AirbyteStream, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '@tributary/protocol';
import type { StreamConfigurationDto } from './connection.dto.js';

const nonEmpty = <T>(value: T[] | null | undefined): T[] | undefined => (value && value.length > 0 ? value : undefined);
const samePath = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

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

/** The top-level fields of the stream's JSON schema. */
function topLevelFields(stream: AirbyteStream): string[] {
  const properties = (stream.json_schema as { properties?: unknown }).properties;
  return properties && typeof properties === 'object' && !Array.isArray(properties) ? Object.keys(properties) : [];
}

/** The field names a stream's selectedFields name, or undefined when they do not fit its schema (errors reported). */
function selectedFieldNames(stream: AirbyteStream, paths: unknown[], at: (field: string, message: string) => void): string[] | undefined {
  const wellFormed = paths.every((p) => Array.isArray(p) && p.every((k) => typeof k === 'string'));
  if (!wellFormed) {
    at('selectedFields', 'must be a list of field paths, e.g. [["id"], ["email"]]');
    return undefined;
  }
  const fields = topLevelFields(stream);
  const known = new Set(fields);
  const listed =
    fields.length === 0 ? 'its schema lists none' : `fields: ${fields.slice(0, 20).join(', ')}${fields.length > 20 ? ', …' : ''}`;
  const names = new Set<string>();
  let ok = true;
  (paths as string[][]).forEach((path, j) => {
    const fail = (message: string) => {
      at(`selectedFields/${j}`, message);
      ok = false;
    };
    if (path.length === 0) return fail('is an empty field path');
    const name = path[0]!;
    if (path.length > 1)
      return fail(`nested fields cannot be selected (${path.join('.')}): select the top-level field ${JSON.stringify([name])}`);
    if (!known.has(name)) return fail(`${name} is not a top-level field of the stream (${listed})`);
    if (names.has(name)) return fail(`${name} is selected twice`);
    names.add(name);
  });
  return ok ? [...names] : undefined;
}

export function configureStreams(
  catalog: AirbyteCatalog,
  selection: StreamConfigurationDto[],
  destinationModes: readonly string[] | undefined,
): { catalog: ConfiguredAirbyteCatalog; fieldSelection: StreamFieldSelection[]; errors: [] } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const streams: ConfiguredAirbyteStream[] = [];
  const fieldSelection: StreamFieldSelection[] = [];

  selection.forEach((wanted, i) => {
    const at = (field: string, message: string) => errors.push({ path: `/streams/${i}/${field}`, message });
    const id = `${wanted.namespace ?? ''}.${wanted.name}`;
    if (seen.has(id)) return at('name', 'is selected twice');
    seen.add(id);
    const stream = catalog.streams.find((s) => s.name === wanted.name && (s.namespace ?? null) === (wanted.namespace ?? null));
    if (!stream) return at('name', `is not a stream of the source's catalog (${catalog.streams.map((s) => s.name).join(', ')})`);

    const { syncMode, destinationSyncMode } = STREAM_SYNC_MODES[wanted.syncMode];
    if (destinationModes && !destinationModes.includes(destinationSyncMode)) {
      at('syncMode', `the destination does not support ${destinationSyncMode} (it supports ${destinationModes.join(', ')})`);
    }

    let cursor: string[] | undefined;
    if (syncMode === 'incremental') {
      if (!stream.supported_sync_modes.includes('incremental')) at('syncMode', 'the stream does not support incremental sync');
      const sourceCursor = nonEmpty(stream.default_cursor_field);
      if (stream.source_defined_cursor && sourceCursor) {
        if (wanted.cursorField && !samePath(wanted.cursorField, sourceCursor))
          at('cursorField', `the source defines the cursor (${sourceCursor.join('.')})`);
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
      else if (sourceKey && !samePath(wanted.primaryKey, sourceKey))
        at('primaryKey', `the source defines the primary key (${JSON.stringify(sourceKey)})`);
      else {
        primaryKey = nonEmpty(wanted.primaryKey);
        const missing = primaryKey?.find((p) => !hasField(stream, p));
        if (missing) at('primaryKey', `${missing.join('.')} is not a field of the stream`);
      }
    }
    if (destinationSyncMode === 'append_dedup' && !primaryKey) at('primaryKey', 'is required for dedup');

    // the fields the stream uses must reach the destination
    const fields = wanted.selectedFields?.length ? selectedFieldNames(stream, wanted.selectedFields, at) : undefined;
    if (fields) {
      if (cursor && !fields.includes(cursor[0]!)) at('selectedFields', `must include the cursor field ${cursor[0]}`);
      if (destinationSyncMode === 'append_dedup') {
        for (const key of primaryKey ?? []) {
          if (!fields.includes(key[0]!)) at('selectedFields', `must include the primary key field ${key[0]}`);
        }
      }
      fieldSelection.push({ stream: { name: stream.name, ...(stream.namespace ? { namespace: stream.namespace } : {}) }, fields });
    }

    streams.push({
      stream: fields ? { ...stream, json_schema: schemaWithFields(stream.json_schema, fields) } : stream,
      sync_mode: syncMode,
      destination_sync_mode: destinationSyncMode,
      ...(cursor ? { cursor_field: cursor } : {}),
      ...(primaryKey ? { primary_key: primaryKey } : {}),
    });
  });

  return errors.length > 0 ? { errors } : { catalog: { streams }, fieldSelection, errors: [] };
}

/** The API's view of a configured catalog and its field selection. */
export function streamsOf(catalog: ConfiguredAirbyteCatalog, fieldSelection: readonly StreamFieldSelection[]): StreamConfigurationDto[] {
  return catalog.streams.map((s) => {
    const fields = selectedFieldsOf(fieldSelection, s.stream);
    const mode = streamSyncModeOf(s.sync_mode, s.destination_sync_mode);
    return {
      name: s.stream.name,
      namespace: s.stream.namespace ?? null,
      syncMode: mode ?? 'full_refresh_overwrite',
      ...(s.cursor_field ? { cursorField: s.cursor_field } : {}),
      ...(s.primary_key ? { primaryKey: s.primary_key } : {}),
      ...(fields ? { selectedFields: fields.map((field) => [field]) } : {}),
    };
  });
}
