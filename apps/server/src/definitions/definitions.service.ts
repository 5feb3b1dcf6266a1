import { Inject, Injectable } from '@nestjs/common';
import { QueryFailedError, type DataSource } from 'typeorm';
import type { ConnectorRuntime } from '@tributary/launcher';
import { ActorDefinitionEntity, DomainError, ErrorCode, notFound, type ActorType } from '@tributary/db';
import { pageWindow, type PageQueryDto } from '../common/pagination.dto.js';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import type { CreateDefinitionDto, UpdateDefinitionVersionDto } from './definition.dto.js';

const isUniqueViolation = (error: unknown) => error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';

export type DefinitionWithSpec = ActorDefinitionEntity & { spec: NonNullable<ActorDefinitionEntity['spec']> };

@Injectable()
export class DefinitionsService {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  private get definitions() {
    return this.dataSource.getRepository(ActorDefinitionEntity);
  }

  list(actorType: ActorType, query: PageQueryDto): Promise<ActorDefinitionEntity[]> {
    return this.definitions.find({ where: { actorType }, order: { name: 'ASC', id: 'ASC' }, ...pageWindow(query) });
  }

  async get(actorType: ActorType, id: string): Promise<ActorDefinitionEntity> {
    const definition = await this.definitions.findOneBy({ id, actorType });
    if (!definition) throw notFound(`${actorType} definition`, id);
    return definition;
  }

  /** A user's own connector. Its spec is cached when a worker first runs it. */
  async createCustom(actorType: ActorType, input: CreateDefinitionDto): Promise<ActorDefinitionEntity> {
    const runtime = input.runtime as ConnectorRuntime;
    const version = input.version ?? (runtime.kind === 'pypi' || runtime.kind === 'npm' ? runtime.version : 'dev');
    try {
      return await this.definitions.save({
        actorType,
        name: input.name,
        runtime,
        version,
        defaultVersion: null,
        image: input.image ?? null,
        documentationUrl: input.documentationUrl ?? null,
        spec: null,
        custom: true,
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new DomainError(ErrorCode.Conflict, `a ${actorType} definition named ${input.name} already exists`, {
        fieldErrors: [{ path: '/name', message: 'is taken' }],
      });
    }
  }

  /**
   * Runs another version of a PyPI/npm connector (or relabels a command). The cached
   * spec belongs to the old version and is dropped. Builtins follow the platform version.
   */
  async updateVersion(actorType: ActorType, id: string, input: UpdateDefinitionVersionDto): Promise<ActorDefinitionEntity> {
    const definition = await this.get(actorType, id);
    const runtime = definition.runtime;
    if (runtime.kind === 'builtin') {
      throw new DomainError(ErrorCode.Conflict, `${definition.name} ships with Tributary and runs the platform's version`);
    }
    if (definition.version === input.version && (input.image === undefined || input.image === definition.image)) return definition;
    definition.runtime = runtime.kind === 'pypi' || runtime.kind === 'npm' ? { ...runtime, version: input.version } : runtime;
    definition.version = input.version;
    if (input.image !== undefined) definition.image = input.image;
    definition.spec = null;
    return this.definitions.save(definition);
  }

  /**
   * The definition with its cached spec. Running `spec` is a worker's job (through
   * Temporal); until one has, configurations cannot be validated.
   */
  async getWithSpec(actorType: ActorType, id: string): Promise<DefinitionWithSpec> {
    const definition = await this.get(actorType, id);
    if (!definition.spec) {
      throw new DomainError(ErrorCode.SpecUnavailable, `the spec of ${definition.name} ${definition.version} is not cached yet`, { definitionId: id });
    }
    return definition as DefinitionWithSpec;
  }
}
