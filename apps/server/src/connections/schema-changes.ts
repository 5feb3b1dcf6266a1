/**
 * What changed in the source since the connection was configured: the connection's streams
 * against the source's newest discovered catalog, with the sync's own comparison
 * (libs/workflows diffCatalog), so the review a person reads is the one a sync acts on.
 */
import { diffCatalog, hasChanges } from '@tributary/workflows';
import type { DataSource } from 'typeorm';
import { ActorCatalogEntity, type ConnectionEntity } from '@tributary/db';
import type { SchemaChangesResponseDto } from './schema-changes.dto.js';

export async function schemaChangesOf(dataSource: DataSource, connection: ConnectionEntity): Promise<SchemaChangesResponseDto> {
  const catalogs = dataSource.getRepository(ActorCatalogEntity);
  const newest = await catalogs.findOne({ where: { actorId: connection.sourceId }, order: { createdAt: 'DESC' } });
  const configuredFrom = connection.sourceCatalogId ? await catalogs.findOneBy({ id: connection.sourceCatalogId }) : null;
  if (!newest) return { catalogId: null, discoveredAt: null, schemaChange: 'no_change', addedStreams: [], removedStreams: [], changedStreams: [], breaking: [] };
  const diff = diffCatalog(connection.configuredCatalog, newest.catalog, connection.fieldSelection, configuredFrom?.catalog);
  const breaksStream = (stream: string) => diff.breaking.some((reason) => reason.startsWith(`${stream}: `));
  return {
    catalogId: newest.id,
    discoveredAt: newest.createdAt.toISOString(),
    schemaChange: diff.breaking.length > 0 ? 'breaking' : hasChanges(diff) ? 'non_breaking' : 'no_change',
    addedStreams: diff.addedStreams,
    removedStreams: diff.removedStreams,
    changedStreams: diff.changedStreams.map((change) => ({ ...change, breaking: breaksStream(change.stream) })),
    breaking: diff.breaking,
  };
}
