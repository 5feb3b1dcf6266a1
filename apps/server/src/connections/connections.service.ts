import { DomainError, ErrorCode, type FieldError, notFound } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ActorCatalogEntity, ActorEntity, ConnectionEntity, activeJobOf, type ActorType } from '@tributary/db';
import { scopedWorkspaceId, type WorkspaceScope } from '../auth/workspace-scope.js';
import { pageWindow } from '../common/pagination.dto.js';
import { checkedResourceRequirements } from '../common/resource-requirements.js';
import { ApiProblem } from '../errors/api-problem.js';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import { ConnectionWorkflows } from '../temporal/connection-workflows.service.js';
import { configureStreams } from './configure-streams.js';
import { ConnectionReads } from './connection-reads.js';
import type { CreateConnectionDto, ListConnectionsQueryDto, StreamConfigurationDto, UpdateConnectionDto } from './connection.dto.js';
import { toSchedule } from './schedule.js';
import { schemaChangesOf } from './schema-changes.js';
import type { SchemaChangesResponseDto } from './schema-changes.dto.js';

export type ConnectionWithWorkspace = ConnectionEntity & { source: ActorEntity };

/** what a 503 after a saved create/update tells the client */
const CATCH_UP =
  'The change is saved; the workflow catches up on the next update of the connection (PATCH) or job request (POST /api/v1/jobs)';

const invalid = (errors: FieldError[]) =>
  new DomainError(ErrorCode.ValidationFailed, errors.map((e) => `${e.path}: ${e.message}`).join('; '), { fieldErrors: errors });

/**
 * Connections: a source, a destination, the streams chosen from the source's newest
 * discovered catalog, a schedule and where data lands.
 *
 * Each active connection has a workflow (schedule, one job at a time). The database is
 * written first, then the workflow is started or told: if Temporal fails at that point the
 * change stays saved and the request answers 503 saying so. A later PATCH (signal-with-start)
 * or job request (update-with-start) starts a missing workflow, so nothing stays orphaned.
 */
@Injectable()
export class ConnectionsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ConnectionWorkflows) private readonly workflows: ConnectionWorkflows,
    @Inject(ConnectionReads) private readonly reads: ConnectionReads,
  ) {}

  private get connections() {
    return this.dataSource.getRepository(ConnectionEntity);
  }

  async create(scope: WorkspaceScope, input: CreateConnectionDto): Promise<ConnectionWithWorkspace> {
    const source = await this.actor(scope, 'source', input.sourceId, '/sourceId');
    const destination = await this.actor(scope, 'destination', input.destinationId, '/destinationId');
    if (source.workspaceId !== destination.workspaceId) {
      throw invalid([{ path: '/destinationId', message: 'belongs to another workspace than the source' }]);
    }
    const resourceRequirements = checkedResourceRequirements(input.resourceRequirements);
    const { configuredCatalog, fieldSelection, sourceCatalogId } = await this.configure(source, destination, input.streams);
    const schedule = this.schedule(input);
    this.checkNamespace(input.namespaceDefinition, input.namespaceFormat);
    const saved = await this.connections.save({
      name: input.name ?? `${source.name} → ${destination.name}`,
      sourceId: source.id,
      destinationId: destination.id,
      configuredCatalog,
      fieldSelection,
      sourceCatalogId,
      schedule: schedule ?? { type: 'manual' },
      status: input.status ?? 'active',
      statusReason: null,
      namespaceDefinition: input.namespaceDefinition ?? 'destination',
      namespaceFormat: input.namespaceDefinition === 'custom_format' ? (input.namespaceFormat ?? null) : null,
      prefix: input.prefix ?? '',
      nonBreakingChangesPolicy: input.nonBreakingChangesPolicy ?? 'ignore',
      resourceRequirements,
    });
    if (saved.status === 'active') {
      await this.afterSave(saved.id, `connection ${saved.id} was created, but its workflow could not be started`, CATCH_UP, () =>
        this.workflows.start(saved.id),
      );
    }
    return this.get(scope, saved.id);
  }

  /** Connections with just the workspace of their source (not its config: list/get are the hot read path). */
  private withWorkspace() {
    return this.connections.createQueryBuilder('c').innerJoin('c.source', 's').addSelect(['s.id', 's.workspaceId']);
  }

  /** ConnectionResponseDtos as JSON (the read path: see connection-reads.ts) */
  async listJson(scope: WorkspaceScope, query: ListConnectionsQueryDto): Promise<string[]> {
    const { sourceId, destinationId, state } = query;
    const own = scopedWorkspaceId(scope);
    // another workspace asked for by `workspaceId` has nothing to show
    if (own && query.workspaceId && query.workspaceId !== own) return [];
    return this.reads.findJson({ sourceId, destinationId, state, workspaceId: query.workspaceId ?? own }, pageWindow(query));
  }

  /** What GET answers, a ConnectionResponseDto as JSON (the read path: no JSON schemas, no source config). */
  async viewJson(scope: WorkspaceScope, id: string): Promise<string> {
    const [connection] = await this.reads.findJson({ id, workspaceId: scopedWorkspaceId(scope) });
    if (!connection) throw notFound('connection', id);
    return connection;
  }

  /** The connection with its source's workspace; 404 outside the scope. */
  async get(scope: WorkspaceScope, id: string): Promise<ConnectionWithWorkspace> {
    const workspaceId = scopedWorkspaceId(scope);
    const query = this.withWorkspace().where('c.id = :id', { id });
    if (workspaceId) query.andWhere('s.workspaceId = :workspaceId', { workspaceId });
    const connection = await query.getOne();
    if (!connection) throw notFound('connection', id);
    return connection as ConnectionWithWorkspace;
  }

  /** The source's newest discovered catalog against the connection's streams. */
  async schemaChanges(scope: WorkspaceScope, id: string): Promise<SchemaChangesResponseDto> {
    return schemaChangesOf(this.dataSource, await this.get(scope, id));
  }

  async update(scope: WorkspaceScope, id: string, input: UpdateConnectionDto): Promise<ConnectionWithWorkspace> {
    const connection = await this.get(scope, id);
    if (input.resourceRequirements !== undefined) connection.resourceRequirements = checkedResourceRequirements(input.resourceRequirements);
    if (input.streams) {
      const destination = await this.actor(scope, 'destination', connection.destinationId, '/destinationId');
      Object.assign(connection, await this.configure(connection.source, destination, input.streams));
    }
    const schedule = this.schedule(input);
    if (schedule) connection.schedule = schedule;
    const namespaceDefinition = input.namespaceDefinition ?? connection.namespaceDefinition;
    const namespaceFormat = input.namespaceFormat ?? connection.namespaceFormat ?? undefined;
    this.checkNamespace(namespaceDefinition, namespaceFormat);
    connection.namespaceDefinition = namespaceDefinition;
    connection.namespaceFormat = namespaceDefinition === 'custom_format' ? (namespaceFormat ?? null) : null;
    if (input.name !== undefined) connection.name = input.name;
    if (input.prefix !== undefined) connection.prefix = input.prefix;
    if (input.nonBreakingChangesPolicy !== undefined) connection.nonBreakingChangesPolicy = input.nonBreakingChangesPolicy;
    if (input.status !== undefined && input.status !== connection.status) {
      connection.status = input.status;
      connection.statusReason = null;
    }
    const { source: _source, sourceCatalog: _catalog, ...row } = connection;
    await this.connections.save(row);
    // the workflow reloads schedule and status; an active connection's missing workflow is started
    await this.afterSave(id, `connection ${id} was updated, but its workflow could not be told`, CATCH_UP, () =>
      this.workflows.updated(id, connection.status === 'active'),
    );
    return this.get(scope, id);
  }

  /** Deletes the connection with its jobs and state; not while a job runs (cancel it first). */
  async delete(scope: WorkspaceScope, id: string): Promise<void> {
    await this.get(scope, id);
    // with the connection row locked, as job creation locks it: a job created meanwhile is seen here
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(ConnectionEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      const running = await activeJobOf(manager, id);
      if (running)
        throw new DomainError(ErrorCode.Conflict, `job ${running.id} is running on connection ${id}: cancel it first`, { jobId: running.id });
      await manager.getRepository(ConnectionEntity).delete({ id });
    });
    // the workflow ends (it would also find the connection gone when it next loads its settings)
    await this.afterSave(
      id,
      `connection ${id} was deleted, but its workflow could not be told to stop`,
      'The deletion stands; the workflow finds the connection gone when it next loads it',
      () => this.workflows.deleted(id),
    );
  }

  /** Runs the workflow call that follows a database write; Temporal being unavailable then is a 503 that says the write happened. */
  private async afterSave(connectionId: string, what: string, consequence: string, call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (!(error instanceof ApiProblem) || error.status !== 503) throw error;
      throw new ApiProblem(503, 'workflow_call_failed', 'Service unavailable', `${what} (${error.message}). ${consequence}`, {
        connectionId,
      });
    }
  }

  private async actor(scope: WorkspaceScope, actorType: ActorType, id: string, path: string): Promise<ActorEntity> {
    const workspaceId = scopedWorkspaceId(scope);
    const actor = await this.dataSource
      .getRepository(ActorEntity)
      .findOne({ where: { id, actorType, ...(workspaceId ? { workspaceId } : {}) }, relations: { definition: true } });
    if (!actor)
      throw new DomainError(ErrorCode.NotFound, `${actorType} ${id} not found`, {
        fieldErrors: [{ path, message: `no such ${actorType}` }],
      });
    return actor;
  }

  private async configure(source: ActorEntity, destination: ActorEntity, streams: StreamConfigurationDto[]) {
    const latest = await this.dataSource
      .getRepository(ActorCatalogEntity)
      .findOne({ where: { actorId: source.id }, order: { createdAt: 'DESC' } });
    if (!latest) {
      throw new DomainError(ErrorCode.Conflict, `source ${source.id} has no discovered catalog yet: discover its schema first`, {
        sourceId: source.id,
      });
    }
    const destinationModes = destination.definition?.spec?.supported_destination_sync_modes ?? undefined;
    const result = configureStreams(latest.catalog, streams, destinationModes);
    if (!('catalog' in result)) throw invalid(result.errors);
    return { configuredCatalog: result.catalog, fieldSelection: result.fieldSelection, sourceCatalogId: latest.id };
  }

  private schedule(input: { schedule?: CreateConnectionDto['schedule'] }) {
    if (!input.schedule) return undefined;
    const result = toSchedule(input.schedule);
    if ('errors' in result) throw invalid(result.errors);
    return result.schedule;
  }

  private checkNamespace(definition: string | undefined, format: string | undefined | null): void {
    if (definition === 'custom_format' && !format) throw invalid([{ path: '/namespaceFormat', message: 'is required with custom_format' }]);
  }
}
