/**
 * Overwrite streams that start an attempt without committed state move to a new generation,
 * stored on the connection (with its row locked) so that generations only grow. Answers the
 * generation of every stream of the connection afterwards, by streamDescriptorKey.
 */
import { notFound, streamDescriptorKey } from '@tributary/domain';
import type { ConfiguredAirbyteCatalog, StreamDescriptor } from '@tributary/protocol';
import type { DataSource } from 'typeorm';
import { ConnectionEntity } from '../entities/index.js';
import { bumpGenerations, generationOf } from './job-catalog.js';
import { isUuid } from './ids.js';

export async function startNewGenerations(
  dataSource: DataSource,
  connectionId: string,
  streams: readonly StreamDescriptor[],
): Promise<Map<string, number>> {
  if (!isUuid(connectionId)) throw notFound('connection', connectionId);
  return dataSource.transaction(async (manager) => {
    const connection = await manager
      .getRepository(ConnectionEntity)
      .findOne({ where: { id: connectionId }, lock: { mode: 'pessimistic_write' } });
    if (!connection) throw notFound('connection', connectionId);
    let catalog: ConfiguredAirbyteCatalog = connection.configuredCatalog;
    if (streams.length > 0) {
      catalog = bumpGenerations(catalog, streams);
      await manager.query(`UPDATE connection SET configured_catalog = $2::jsonb WHERE id = $1`, [connectionId, JSON.stringify(catalog)]);
    }
    return new Map(catalog.streams.map((s) => [streamDescriptorKey(s.stream), generationOf(s)]));
  });
}
