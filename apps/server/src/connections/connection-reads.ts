/**
 * The read path of connections (list, get): plain SQL, as prepared statements, that returns
 * what a response shows and nothing more. The configured catalog comes back as its summary,
 * without the streams' JSON schemas (the bulk of a row, and no response includes them), and
 * the source only as its workspace id. Writes load full entities through the ORM
 * (connections.service.ts).
 *
 * Responses are cached per connection, serialized, with the version of its row (Postgres'
 * xmin, which every UPDATE changes, whoever makes it: this server, another replica, the
 * worker, psql). A read first asks only for the ids and versions of the rows it wants, then
 * loads and maps those whose cached response is missing or of another version. A response
 * is never older than the row version the read saw. Serialized, because turning the same
 * objects into JSON again on every request was the largest cost of a list left.
 */
import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import { ACTIVE_JOB_STATUSES, preparedQuery, type ActorEntity, type ConnectionEntity } from '@tributary/db';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import type { ConnectionListState, ConnectionResponseDto } from './connection.dto.js';
import { toConnectionResponse } from './connection.mapper.js';

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
  | 'resourceRequirements'
  | 'createdAt'
  | 'updatedAt'
> & { source: Pick<ActorEntity, 'workspaceId'> };

export interface ConnectionFilter {
  id?: string;
  sourceId?: string;
  destinationId?: string;
  workspaceId?: string;
  state?: ConnectionListState;
}

const ACTIVE_JOBS = ACTIVE_JOB_STATUSES.map((status) => `'${status}'`).join(', ');

const RUNNING = `EXISTS (SELECT 1 FROM job j WHERE j.connection_id = c.id AND j.status IN (${ACTIVE_JOBS}))`;

/**
 * As the list shows a connection's status (ConnectionStatusService): running while a job runs,
 * else failed when its last finished job failed.
 */
const STATE_CONDITIONS: Record<ConnectionListState, string> = {
  running: RUNNING,
  failed: `NOT ${RUNNING} AND (SELECT j.status FROM job j WHERE j.connection_id = c.id AND j.status NOT IN (${ACTIVE_JOBS}) ORDER BY j.created_at DESC, j.id DESC LIMIT 1) = 'failed'`,
  disabled: `c.status <> 'active'`,
};

const COLUMNS = `c.id, c.name, c.source_id, c.destination_id, c.field_selection, c.schedule, c.status, c.status_reason,
  c.namespace_definition, c.namespace_format, c.prefix, c.non_breaking_changes_policy, c.resource_requirements, c.created_at, c.updated_at,
  s.workspace_id, c.catalog_summary AS catalog, c.xmin::text AS version`;

interface Row {
  id: string;
  version: string;
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
  resource_requirements: ConnectionEntity['resourceRequirements'];
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
  resourceRequirements: r.resource_requirements,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  source: { workspaceId: r.workspace_id },
});

/** how many connection responses a server keeps (a few KiB each) */
const CACHED_RESPONSES = 5_000;

interface Cached {
  version: string;
  /** the ConnectionResponseDto as JSON */
  json: string;
}

@Injectable()
export class ConnectionReads {
  private readonly cache = new LRUCache<string, Cached>({ max: CACHED_RESPONSES });

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Connections matching `filter`, in creation order, `window` rows from `skip` (all when
   * absent), each a ConnectionResponseDto as JSON.
   */
  async findJson(filter: ConnectionFilter, window?: { skip: number; take: number }): Promise<string[]> {
    const { where, params } = conditionsOf(filter);
    let sql = `SELECT c.id, c.xmin::text AS version FROM connection c JOIN actor s ON s.id = c.source_id${where} ORDER BY c.created_at, c.id`;
    if (window) {
      params.push(window.take, window.skip);
      sql += ` LIMIT $${params.length - 1} OFFSET $${params.length}`;
    }
    const wanted = await preparedQuery<{ id: string; version: string }>(this.dataSource, sql, params);
    const responses = new Map<string, string>();
    const stale: string[] = [];
    for (const { id, version } of wanted) {
      const cached = this.cache.get(id);
      if (cached?.version === version) responses.set(id, cached.json);
      else stale.push(id);
    }
    if (stale.length > 0) {
      const rows = await preparedQuery<Row>(
        this.dataSource,
        `SELECT ${COLUMNS} FROM connection c JOIN actor s ON s.id = c.source_id WHERE c.id = ANY($1::uuid[])`,
        [stale],
      );
      for (const row of rows) {
        // a row updated since the first query comes back newer, and is cached as such
        const json = JSON.stringify(toConnectionResponse(toView(row)) satisfies ConnectionResponseDto);
        this.cache.set(row.id, { version: row.version, json });
        responses.set(row.id, json);
      }
    }
    // a row deleted in between is left out
    return wanted.flatMap(({ id }) => responses.get(id) ?? []);
  }
}

function conditionsOf(filter: ConnectionFilter): { where: string; params: unknown[] } {
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
  if (filter.state) conditions.push(STATE_CONDITIONS[filter.state]);
  return { where: conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '', params };
}
