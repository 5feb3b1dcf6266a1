/** What a job's schema-change detection decided, stored with the connection. */
import { notFound, streamDescriptorKey } from '@tributary/domain';
import type { DataSource, EntityManager } from 'typeorm';
import { hasChanges, type SchemaChange } from '@tributary/workflows';
import { ConnectionEntity } from '../entities/index.js';
import { isUuid } from './ids.js';
import { connectionFacts, enqueueNotification } from '../notifications/outbox.js';
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
    await notifySchemaChange(manager, connection, change);
  });
}

/** schema.change_detected or schema.change_applied (propagated), and connection.disabled when it was. */
async function notifySchemaChange(manager: EntityManager, connection: ConnectionEntity, change: SchemaChange): Promise<void> {
  if (!hasChanges(change.diff) && !change.disableReason) return;
  const facts = await connectionFacts(manager, connection.id);
  if (!facts) return;
  const about = { workspaceId: facts.workspaceId, connectionId: connection.id, connectionName: facts.connectionName };
  const subject = `connections/${connection.id}`;
  if (hasChanges(change.diff)) {
    const { addedStreams, removedStreams, changedStreams, breaking } = change.diff;
    await enqueueNotification(manager, {
      event: change.catalog ? 'schema.change_applied' : 'schema.change_detected',
      workspaceId: facts.workspaceId,
      subject,
      data: { ...about, addedStreams, removedStreams, changedStreams, breaking },
    });
  }
  if (change.disableReason) {
    await enqueueNotification(manager, { event: 'connection.disabled', workspaceId: facts.workspaceId, subject, data: { ...about, reason: change.disableReason } });
  }
}
