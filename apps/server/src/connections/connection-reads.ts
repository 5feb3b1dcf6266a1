/**
 * The read path of connections (list, get): plain SQL, as prepared statements, that returns
 * what a response shows and nothing more. The configured catalog comes back as its summary,
 * without the streams' JSON schemas (the bulk of a row, and no response includes them), and
 * the source only as its workspace id. Writes load full entities through the ORM
 * (connections.service.ts).
 */
import type { DataSource } from 'typeorm';
import { preparedQuery, type ActorEntity, type ConnectionEntity } from '@tributary/db';

export type ConnectionView = Pick<
  ConnectionEntity,
  | 'id'
  | 'name'
  | 'sourceId'
  | 'destinationId'
  | 'configuredCatalog'
  | 'fieldSelection'
  | 'schedule'
  | 'status'
  | 'statusReason'
  | 'namespaceDefinition'
  | 'namespaceFormat'
  | 'prefix'
  | 'nonBreakingChangesPolicy'
  | 'createdAt'
  | 'updatedAt'
> & { source: Pick<ActorEntity, 'workspaceId'> };

export interface ConnectionFilter {
  id?: string;
  sourceId?: string;
  destinationId?: string;
  workspaceId?: string;
}

const COLUMNS = `c.id, c.name, c.source_id, c.destination_id, c.field_selection, c.schedule, c.status, c.status_reason,
  c.namespace_definition, c.namespace_format, c.prefix, c.non_breaking_changes_policy, c.created_at, c.updated_at,
  s.workspace_id, c.catalog_summary AS catalog`;

interface Row {
  id: string;
  name: string;
  source_id: string;
  destination_id: string;
  field_selection: ConnectionEntity['fieldSelection'];
  schedule: ConnectionEntity['schedule'];
  status: ConnectionEntity['status'];
  status_reason: string | null;
  namespace_definition: ConnectionEntity['namespaceDefinition'];
  namespace_format: string | null;
  prefix: string;
  non_breaking_changes_policy: ConnectionEntity['nonBreakingChangesPolicy'];
  created_at: Date;
  updated_at: Date;
  workspace_id: string;
  catalog: ConnectionEntity['configuredCatalog'];
}

const toView = (r: Row): ConnectionView => ({
  id: r.id,
  name: r.name,
  sourceId: r.source_id,
  destinationId: r.destination_id,
  configuredCatalog: r.catalog,
  fieldSelection: r.field_selection,
  schedule: r.schedule,
  status: r.status,
  statusReason: r.status_reason,
  namespaceDefinition: r.namespace_definition,
  namespaceFormat: r.namespace_format,
  prefix: r.prefix,
  nonBreakingChangesPolicy: r.non_breaking_changes_policy,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  source: { workspaceId: r.workspace_id },
});

/** Connections matching `filter`, in creation order, `window` rows from `skip` (all when absent). */
export async function readConnections(
  dataSource: DataSource,
  filter: ConnectionFilter,
  window?: { skip: number; take: number },
): Promise<ConnectionView[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    conditions.push(`${sql} = $${params.length}`);
  };
  if (filter.id) add('c.id', filter.id);
  if (filter.sourceId) add('c.source_id', filter.sourceId);
  if (filter.destinationId) add('c.destination_id', filter.destinationId);
  if (filter.workspaceId) add('s.workspace_id', filter.workspaceId);
  let sql = `SELECT ${COLUMNS} FROM connection c JOIN actor s ON s.id = c.source_id`;
  if (conditions.length > 0) sql += ` WHERE ${conditions.join(' AND ')}`;
  sql += ' ORDER BY c.created_at, c.id';
  if (window) {
    params.push(window.take, window.skip);
    sql += ` LIMIT $${params.length - 1} OFFSET $${params.length}`;
  }
  return (await preparedQuery<Row>(dataSource, sql, params)).map(toView);
}
