import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, notFound } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ActorDefinitionEntity, ActorEntity, ConnectionEntity, decryptConfig, encryptConfig, maskConfig, mergeMaskedSecrets, type ActorType } from '@tributary/db';
import { assertBodyWorkspace, scopedWorkspaceId, type WorkspaceScope } from '../auth/workspace-scope.js';
import { pageWindow } from '../common/pagination.dto.js';
import { DefinitionsService, type DefinitionWithSpec } from '../definitions/definitions.service.js';
import { DATA_SOURCE, SECRET_KEY } from '../infrastructure/tokens.js';
import type { ListActorsQueryDto } from './actor.dto.js';
import { ConfigValidator } from './config-validator.js';

export interface ActorWithMaskedConfig {
  entity: ActorEntity;
  configuration: Record<string, unknown>;
}

/**
 * Sources and destinations: configurations are validated against the definition's
 * spec, stored with secrets encrypted, and only ever returned masked.
 */
@Injectable()
export class ActorsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SECRET_KEY) private readonly secretKey: Buffer,
    @Inject(DefinitionsService) private readonly definitions: DefinitionsService,
    @Inject(ConfigValidator) private readonly validator: ConfigValidator,
  ) {}

  private get actors() {
    return this.dataSource.getRepository(ActorEntity);
  }

  async create(
    scope: WorkspaceScope,
    actorType: ActorType,
    input: { workspaceId: string; definitionId: string; name: string; configuration: Record<string, unknown> },
  ): Promise<ActorWithMaskedConfig> {
    await this.ensureWorkspace(scope, input.workspaceId);
    const definition = await this.definitions.ensureSpec(await this.definitionFor(actorType, input.definitionId));
    this.validate(definition, input.configuration);
    // the id first: each secret is encrypted bound to its actor
    const id = randomUUID();
    const entity = await this.actors.save({
      id,
      workspaceId: input.workspaceId,
      actorDefinitionId: definition.id,
      actorType,
      name: input.name,
      configuration: encryptConfig(this.secretKey, id, definition.spec.connectionSpecification, input.configuration),
    });
    return this.masked(entity, definition);
  }

  /** Those of the scope's workspaces (another workspace asked for by `workspaceId` has none to show). */
  async list(scope: WorkspaceScope, actorType: ActorType, query: ListActorsQueryDto): Promise<ActorWithMaskedConfig[]> {
    const own = scopedWorkspaceId(scope);
    if (own && query.workspaceId && query.workspaceId !== own) return [];
    const workspaceId = query.workspaceId ?? own;
    const rows = await this.actors.find({
      where: { actorType, ...(workspaceId ? { workspaceId } : {}) },
      relations: { definition: true },
      order: { createdAt: 'ASC', id: 'ASC' },
      ...pageWindow(query),
    });
    // masking needs the spec; a definition without one masks every stored envelope anyway
    return rows.map((entity) => ({ entity, configuration: maskConfig(entity.definition?.spec?.connectionSpecification ?? {}, entity.configuration) }));
  }

  async get(scope: WorkspaceScope, actorType: ActorType, id: string): Promise<ActorWithMaskedConfig> {
    const entity = await this.find(scope, actorType, id);
    return { entity, configuration: maskConfig(entity.definition?.spec?.connectionSpecification ?? {}, entity.configuration) };
  }

  async update(
    scope: WorkspaceScope,
    actorType: ActorType,
    id: string,
    changes: { name?: string; configuration?: Record<string, unknown> },
  ): Promise<ActorWithMaskedConfig> {
    const entity = await this.find(scope, actorType, id);
    if (changes.configuration) {
      const definition = await this.definitions.ensureSpec(await this.definitions.get(actorType, entity.actorDefinitionId));
      const schema = definition.spec.connectionSpecification;
      const merged = mergeMaskedSecrets(schema, changes.configuration, decryptConfig(this.secretKey, entity.id, entity.configuration), '/configuration');
      this.validate(definition, merged);
      entity.configuration = encryptConfig(this.secretKey, entity.id, schema, merged);
    }
    if (changes.name !== undefined) entity.name = changes.name;
    const { definition: _definition, ...row } = entity;
    const saved = await this.actors.save(row);
    return this.get(scope, actorType, saved.id);
  }

  async delete(scope: WorkspaceScope, actorType: ActorType, id: string): Promise<void> {
    await this.find(scope, actorType, id);
    const column = actorType === 'source' ? 'sourceId' : 'destinationId';
    const connections = await this.dataSource.getRepository(ConnectionEntity).countBy({ [column]: id });
    if (connections > 0) throw new DomainError(ErrorCode.Conflict, `${actorType} ${id} is used by ${connections} connection(s): delete them first`);
    await this.actors.delete({ id });
  }

  /** The actor with its definition; 404 if there is none of this type in the scope. */
  async find(scope: WorkspaceScope, actorType: ActorType, id: string): Promise<ActorEntity> {
    const workspaceId = scopedWorkspaceId(scope);
    const entity = await this.actors.findOne({ where: { id, actorType, ...(workspaceId ? { workspaceId } : {}) }, relations: { definition: true } });
    if (!entity) throw notFound(actorType, id);
    return entity;
  }

  /** 404 naming the body's `workspaceId` if there is no such workspace in the scope. */
  ensureWorkspace(scope: WorkspaceScope, workspaceId: string): Promise<void> {
    return assertBodyWorkspace(this.dataSource, scope, workspaceId);
  }

  /** The definition a request body names (`definitionId`); 404 naming that field. */
  async definitionFor(actorType: ActorType, definitionId: string): Promise<ActorDefinitionEntity> {
    try {
      return await this.definitions.get(actorType, definitionId);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) {
        throw new DomainError(ErrorCode.NotFound, error.message, { fieldErrors: [{ path: '/definitionId', message: `no ${actorType} definition with this id` }] });
      }
      throw error;
    }
  }

  /** 422 naming each field of `configuration` that does not satisfy the spec. */
  validate(definition: DefinitionWithSpec, configuration: Record<string, unknown>): void {
    this.validator.validate(`${definition.id}:${definition.updatedAt.getTime()}`, definition.spec.connectionSpecification, configuration);
  }

  private masked(entity: ActorEntity, definition: DefinitionWithSpec): ActorWithMaskedConfig {
    return { entity, configuration: maskConfig(definition.spec.connectionSpecification, entity.configuration) };
  }
}
