/** What a job's schema-change detection decided, stored with the connection. */
import { notFound, streamDescriptorKey } from '@tributary/domain';
import type { DataSource } from 'typeorm';
import type { SchemaChange } from '@tributary/workflows';
import { ConnectionEntity } from '../entities/index.js';
import { isUuid } from './ids.js';
import { keepGenerations } from './job-catalog.js';
import { recordSourceCatalog } from './source-catalogs.js';

export async function applySchemaChange(dataSource: DataSource, connectionId: string, change: SchemaChange): Promise<void> {
  if (!isUuid(connectionId)) throw notFound('connection', connectionId);
  await dataSource.transaction(async (manager) => {
    const connections = manager.getRepository(ConnectionEntity);
    const connection = await connections.findOne({ where: { id: connectionId }, lock: { mode: 'pessimistic_write' } });
    if (!connection) throw notFound('connection', connectionId);
    connection.sourceCatalogId = await recordSourceCatalog(manager, connection.sourceId, change.discovered);
    if (change.catalog) {
      connection.configuredCatalog = keepGenerations(connection.configuredCatalog, change.catalog);
      // a stream the propagation dropped loses its selection (were it added back, it would start afresh)
      const kept = new Set(change.catalog.streams.map(({ stream }) => streamDescriptorKey(stream)));
      connection.fieldSelection = connection.fieldSelection.filter((s) => kept.has(streamDescriptorKey(s.stream)));
    }
    if (change.disableReason) {
      connection.status = 'inactive';
      connection.statusReason = change.disableReason;
    }
    await connections.save(connection);
  });
}
