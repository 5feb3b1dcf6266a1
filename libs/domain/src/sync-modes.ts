/**
 * The four sync modes users choose per stream, each a pair of the protocol's source sync
 * mode and destination sync mode. The API, the CLI and the UI speak these names.
 */
import type { DestinationSyncMode, SyncMode } from '@tributary/protocol';

export const STREAM_SYNC_MODES = {
  full_refresh_overwrite: { syncMode: 'full_refresh', destinationSyncMode: 'overwrite' },
  full_refresh_append: { syncMode: 'full_refresh', destinationSyncMode: 'append' },
  incremental_append: { syncMode: 'incremental', destinationSyncMode: 'append' },
  incremental_dedup: { syncMode: 'incremental', destinationSyncMode: 'append_dedup' },
} as const satisfies Record<string, { syncMode: SyncMode; destinationSyncMode: DestinationSyncMode }>;

export type StreamSyncMode = keyof typeof STREAM_SYNC_MODES;
export const STREAM_SYNC_MODE_NAMES = Object.keys(STREAM_SYNC_MODES) as StreamSyncMode[];

/** The user's name for a protocol pair; undefined for a pair no mode names (e.g. full_refresh + append_dedup). */
export function streamSyncModeOf(syncMode: SyncMode, destinationSyncMode: DestinationSyncMode): StreamSyncMode | undefined {
  return STREAM_SYNC_MODE_NAMES.find((name) => {
    const pair = STREAM_SYNC_MODES[name];
    return pair.syncMode === syncMode && pair.destinationSyncMode === destinationSyncMode;
  });
}
