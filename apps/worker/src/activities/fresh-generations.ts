/**
 * An overwrite stream that starts an attempt without committed state is read from the start:
 * whatever an earlier attempt left in the destination's staging table must not be continued,
 * or its rows would land twice. Such streams move to a new generation, which tells the
 * destination to start its staging afresh; a stream with committed state keeps its generation
 * and the destination continues the staging its state covers.
 */
import { streamDescriptorKey } from '@tributary/domain';
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '@tributary/protocol';
import type { ReplicationState } from '@tributary/replication';
import type { JobPersistence } from '@tributary/workflows';

// an AirbyteStream names itself as a descriptor does (name, namespace)
const keyOf = (s: ConfiguredAirbyteStream) => streamDescriptorKey(s.stream);

/** The streams the committed state covers; undefined for a LEGACY state, which names none. */
function streamsWithState(state: ReplicationState | undefined): Set<string> | undefined {
  const covered = new Set<string>();
  for (const message of state ?? []) {
    if (message.type === 'STREAM' && message.stream) covered.add(streamDescriptorKey(message.stream.stream_descriptor));
    else if (message.type === 'GLOBAL' && message.global)
      for (const s of message.global.stream_states) covered.add(streamDescriptorKey(s.stream_descriptor));
    else return undefined;
  }
  return covered;
}

export async function withFreshGenerations(
  persistence: Pick<JobPersistence, 'startNewGenerations'>,
  connectionId: string,
  catalog: ConfiguredAirbyteCatalog,
  state: ReplicationState | undefined,
): Promise<ConfiguredAirbyteCatalog> {
  const covered = streamsWithState(state);
  // a LEGACY state may or may not cover a stream: keeping the staging risks duplicates, dropping it loses rows
  if (!covered) return catalog;
  const overwrite = catalog.streams.filter((s) => s.destination_sync_mode === 'overwrite');
  if (overwrite.length === 0) return catalog;
  const fresh = overwrite.filter((s) => !covered.has(keyOf(s))).map((s) => s.stream);
  // every overwrite stream takes the connection's generation: an earlier attempt may have moved it on
  const generations = await persistence.startNewGenerations(connectionId, fresh);
  return {
    ...catalog,
    streams: catalog.streams.map((s) => {
      const generation = s.destination_sync_mode === 'overwrite' ? generations.get(keyOf(s)) : undefined;
      return generation === undefined ? s : { ...s, generation_id: generation, minimum_generation_id: generation };
    }),
  };
}
