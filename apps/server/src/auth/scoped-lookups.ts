/** Lookups shared by the services that scope a resource through its connection (jobs, state, logs). */
import type { DataSource, EntityManager } from 'typeorm';
import { scopedWorkspaceId, type WorkspaceScope } from './workspace-scope.js';

/** True when the connection exists and belongs to a workspace of the scope (its source's workspace). */
export async function connectionInScope(db: DataSource | EntityManager, scope: WorkspaceScope, connectionId: string): Promise<boolean> {
  const workspaceId = scopedWorkspaceId(scope);
  const rows = workspaceId
    ? await db.query(`SELECT 1 FROM connection c JOIN actor s ON s.id = c.source_id WHERE c.id = $1 AND s.workspace_id = $2`, [connectionId, workspaceId])
    : await db.query(`SELECT 1 FROM connection WHERE id = $1`, [connectionId]);
  return (rows as unknown[]).length > 0;
}

/** SQL (for a TypeORM Raw) limiting a connection id column to a workspace's connections; the workspace id is `:scopeWorkspaceId`. */
export const CONNECTIONS_OF_WORKSPACE = (column: string): string =>
  `${column} IN (SELECT c.id FROM connection c JOIN actor s ON s.id = c.source_id WHERE s.workspace_id = :scopeWorkspaceId)`;

