/** Configured catalogs for tests. */
import type { ConfiguredAirbyteCatalog, DestinationSyncMode, SyncMode } from '@tributary/protocol';

export interface TestStream {
  name: string;
  namespace?: string;
  syncMode?: SyncMode;
  destinationSyncMode?: DestinationSyncMode;
  generationId?: number;
  minimumGenerationId?: number;
}

export function configuredCatalog(streams: (string | TestStream)[], defaults: Omit<TestStream, 'name'> = {}): ConfiguredAirbyteCatalog {
  return {
    streams: streams.map((s) => {
      const stream = typeof s === 'string' ? { name: s } : s;
      const syncMode = stream.syncMode ?? defaults.syncMode ?? 'full_refresh';
      return {
        stream: {
          name: stream.name,
          ...(stream.namespace ? { namespace: stream.namespace } : {}),
          json_schema: { type: 'object' },
          supported_sync_modes: ['full_refresh', 'incremental'],
        },
        sync_mode: syncMode,
        destination_sync_mode: stream.destinationSyncMode ?? defaults.destinationSyncMode ?? 'append',
        ...(stream.generationId !== undefined ? { generation_id: stream.generationId } : {}),
        ...(stream.minimumGenerationId !== undefined ? { minimum_generation_id: stream.minimumGenerationId } : {}),
      };
    }),
  };
}
