/** What a discovered stream allows, and the configuration a new connection starts from. Pure: unit-tested. */
import type { DiscoveredStream, StreamConfiguration, SyncMode } from '@/lib/connections';
import { SYNC_MODES } from '@/lib/connections';

export interface StreamChoice {
  selected: boolean;
  config: StreamConfiguration;
}

export const streamKey = (s: { name: string; namespace?: string | null }) => `${s.namespace ?? ''}.${s.name}`;

/** The top-level fields of a stream's JSON schema: the cursor and primary key candidates. */
export function topLevelFields(stream: DiscoveredStream): string[] {
  const properties = (stream.jsonSchema as { properties?: Record<string, unknown> }).properties;
  return properties ? Object.keys(properties) : [];
}

export function allowedModes(stream: DiscoveredStream): SyncMode[] {
  return SYNC_MODES.filter((m) => stream.supportedSyncModes.includes(m.needs)).map((m) => m.value);
}

const hasCursor = (s: DiscoveredStream) => s.sourceDefinedCursor || s.defaultCursorField.length > 0;
const hasPrimaryKey = (s: DiscoveredStream) => s.sourceDefinedPrimaryKey.length > 0;

/** Airbyte's sensible default: deduped incremental when the source gives a cursor and a key, plain incremental with a cursor, else a full refresh. */
export function defaultMode(stream: DiscoveredStream): SyncMode {
  const incremental = stream.supportedSyncModes.includes('incremental');
  if (incremental && hasCursor(stream) && hasPrimaryKey(stream)) return 'incremental_dedup';
  if (incremental && hasCursor(stream)) return 'incremental_append';
  return 'full_refresh_overwrite';
}

export function initialChoice(stream: DiscoveredStream): StreamChoice {
  const config: StreamConfiguration = { name: stream.name, namespace: stream.namespace ?? null, syncMode: defaultMode(stream) };
  if (stream.defaultCursorField.length > 0) config.cursorField = stream.defaultCursorField;
  if (hasPrimaryKey(stream)) config.primaryKey = stream.sourceDefinedPrimaryKey;
  return { selected: true, config };
}

/** What is missing before this stream can be saved, in words; undefined when it is complete. */
export function missingFor(stream: DiscoveredStream, config: StreamConfiguration): string | undefined {
  const incremental = config.syncMode.startsWith('incremental');
  if (incremental && !stream.sourceDefinedCursor && !(config.cursorField && config.cursorField.length > 0)) return 'choose a cursor field';
  if (config.syncMode === 'incremental_dedup' && !(config.primaryKey && config.primaryKey.length > 0)) return 'choose a primary key';
  return undefined;
}

/** Fields the chosen mode needs, which cannot be left out: the cursor (incremental) and the primary key (dedup). */
export function requiredFields(stream: DiscoveredStream, config: StreamConfiguration): Set<string> {
  const required = new Set<string>();
  if (config.syncMode.startsWith('incremental')) {
    const cursor = stream.sourceDefinedCursor ? stream.defaultCursorField : config.cursorField;
    if (cursor?.[0]) required.add(cursor[0]);
  }
  if (config.syncMode === 'incremental_dedup')
    for (const key of config.primaryKey ?? stream.sourceDefinedPrimaryKey) if (key[0]) required.add(key[0]);
  return required;
}

export function isFieldSelected(config: StreamConfiguration, field: string): boolean {
  return !config.selectedFields || config.selectedFields.length === 0 || config.selectedFields.some((path) => path[0] === field);
}

/** The config with `field` selected or not; every field selected is written as no selection (all, including new ones). */
export function withField(stream: DiscoveredStream, config: StreamConfiguration, field: string, selected: boolean): StreamConfiguration {
  const all = topLevelFields(stream);
  const current = all.filter((f) => isFieldSelected(config, f));
  const next = selected ? [...new Set([...current, field])] : current.filter((f) => f !== field || requiredFields(stream, config).has(f));
  const { selectedFields: _previous, ...rest } = config;
  return next.length === all.length ? rest : { ...rest, selectedFields: all.filter((f) => next.includes(f)).map((f) => [f]) };
}

/** The table's starting point when editing: the connection's own choices, other streams unselected. */
export function choicesFromConnection(streams: DiscoveredStream[], configured: StreamConfiguration[]): Record<string, StreamChoice> {
  const byKey = new Map(configured.map((c) => [streamKey(c), c]));
  return Object.fromEntries(
    streams.map((s) => {
      const current = byKey.get(streamKey(s));
      return [streamKey(s), current ? { selected: true, config: current } : { ...initialChoice(s), selected: false }];
    }),
  );
}
