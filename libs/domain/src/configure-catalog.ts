/**
 * Building a ConfiguredAirbyteCatalog from a discovered catalog with sensible defaults
 * (the CLI's `--mode`): incremental when the stream has a cursor, dedup when it also has a
 * primary key.
 */
import type { AirbyteCatalog, AirbyteStream, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '@tributary/protocol';
import { STREAM_SYNC_MODES, STREAM_SYNC_MODE_NAMES, type StreamSyncMode } from './sync-modes.js';

/** A stream sync mode, or `auto` to choose one per stream from what it supports. */
export const SYNC_MODE_CHOICES = ['auto', ...STREAM_SYNC_MODE_NAMES] as const;
export type SyncModeChoice = 'auto' | StreamSyncMode;

export interface ConfigureOptions {
  /** stream names to select; default all */
  streams?: string[];
  mode?: SyncModeChoice;
  generationId?: number;
  /** default: generationId for overwrite (drop older generations), else 0 */
  minimumGenerationId?: number;
  syncId?: number;
}

export class CatalogConfigurationError extends Error {
  override name = 'CatalogConfigurationError';
}

const cursorOf = (s: AirbyteStream) => (s.default_cursor_field && s.default_cursor_field.length > 0 ? s.default_cursor_field : undefined);
const primaryKeyOf = (s: AirbyteStream) => (s.source_defined_primary_key && s.source_defined_primary_key.length > 0 ? s.source_defined_primary_key : undefined);

function modeFor(stream: AirbyteStream, mode: SyncModeChoice): StreamSyncMode {
  const canIncremental = stream.supported_sync_modes.includes('incremental') && cursorOf(stream) !== undefined;
  if (mode === 'auto') {
    if (!canIncremental) return 'full_refresh_overwrite';
    return primaryKeyOf(stream) ? 'incremental_dedup' : 'incremental_append';
  }
  if (STREAM_SYNC_MODES[mode].syncMode === 'incremental') {
    if (!canIncremental) throw new CatalogConfigurationError(`stream ${stream.name} does not support incremental sync with a source-defined cursor`);
    if (mode === 'incremental_dedup' && !primaryKeyOf(stream)) throw new CatalogConfigurationError(`stream ${stream.name} has no primary key for dedup`);
  }
  return mode;
}

export function configureCatalog(catalog: AirbyteCatalog, options: ConfigureOptions = {}): ConfiguredAirbyteCatalog {
  const mode = options.mode ?? 'auto';
  const wanted = options.streams;
  if (wanted) {
    const known = new Set(catalog.streams.map((s) => s.name));
    const unknown = wanted.filter((n) => !known.has(n));
    if (unknown.length) throw new CatalogConfigurationError(`unknown stream(s): ${unknown.join(', ')}; available: ${[...known].join(', ')}`);
  }
  const generationId = options.generationId ?? 0;
  const streams = catalog.streams
    .filter((s) => !wanted || wanted.includes(s.name))
    .map((stream): ConfiguredAirbyteStream => {
      const { syncMode, destinationSyncMode } = STREAM_SYNC_MODES[modeFor(stream, mode)];
      const cursor = cursorOf(stream);
      const pk = primaryKeyOf(stream);
      return {
        stream,
        sync_mode: syncMode,
        destination_sync_mode: destinationSyncMode,
        ...(syncMode === 'incremental' && cursor ? { cursor_field: cursor } : {}),
        ...(pk ? { primary_key: pk } : {}),
        generation_id: generationId,
        minimum_generation_id: options.minimumGenerationId ?? (destinationSyncMode === 'overwrite' ? generationId : 0),
        ...(options.syncId !== undefined ? { sync_id: options.syncId } : {}),
      };
    });
  return { streams };
}
