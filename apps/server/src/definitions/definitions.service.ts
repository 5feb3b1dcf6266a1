import { DomainError, ErrorCode, notFound } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import { QueryFailedError, type DataSource } from 'typeorm';
import type { ConnectorRuntime } from '@tributary/launcher';
import { ActorDefinitionEntity, type ActorType } from '@tributary/db';
import { pageWindow, type PageQueryDto } from '../common/pagination.dto.js';
import { ALLOW_COMMAND_CONNECTORS, DATA_SOURCE } from '../infrastructure/tokens.js';
import { ConnectorCommandsService } from '../temporal/connector-commands.service.js';
import { checkedResourceRequirements } from '../common/resource-requirements.js';
import type { CreateDefinitionDto, UpdateDefinitionDto, UpdateDefinitionVersionDto } from './definition.dto.js';
import { DefinitionInstalls, isInstalled, type DefinitionWithSpec } from './definition-installs.js';

export type { DefinitionWithSpec } from './definition-installs.js';

const isUniqueViolation = (error: unknown) => error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';


@Injectable()
export class DefinitionsService {
  /** spec runs in progress, by definition id and version: concurrent requests wait for the same run */
  private readonly specRuns = new Map<string, Promise<DefinitionWithSpec>>();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ConnectorCommandsService) private readonly commands: ConnectorCommandsService,
    @Inject(ALLOW_COMMAND_CONNECTORS) private readonly allowCommands: boolean,
    @Inject(DefinitionInstalls) private readonly installs: DefinitionInstalls,
  ) {}

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

  /** A user's own connector. A PyPI or npm one starts installing at once; its spec is cached when a worker first runs it. */
  async createCustom(actorType: ActorType, input: CreateDefinitionDto): Promise<ActorDefinitionEntity> {
    const runtime = input.runtime as ConnectorRuntime;
    if (runtime.kind === 'command' && !this.allowCommands) {
      throw new DomainError(
        ErrorCode.Forbidden,
        'runtime.kind: command connectors run any executable on the workers and are off on this instance: the operator allows them with TRIBUTARY_ALLOW_COMMAND_CONNECTORS=true',
        { fieldErrors: [{ path: '/runtime/kind', message: 'command is off on this instance (TRIBUTARY_ALLOW_COMMAND_CONNECTORS)' }] },
      );
    }
    const resourceRequirements = checkedResourceRequirements(input.resourceRequirements);
    const version = input.version ?? (runtime.kind === 'pypi' || runtime.kind === 'npm' ? runtime.version : 'dev');
    let created: ActorDefinitionEntity;
    try {
      created = await this.definitions.save({
        actorType,
        name: input.name,
        runtime,
        version,
        defaultVersion: null,
        image: input.image ?? null,
        documentationUrl: input.documentationUrl ?? null,
        resourceRequirements,
        spec: null,
        custom: true,
        installStatus: isInstalled({ runtime }) ? 'pending' : 'ready',
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new DomainError(ErrorCode.Conflict, `a ${actorType} definition named ${input.name} already exists`, {
        fieldErrors: [{ path: '/name', message: 'is taken' }],
      });
    }
    await this.installs.start(created);
    return this.get(actorType, created.id);
  }

  /** The definition's settings (its pods' resources); builtins too: their pods run in the cluster like any other. */
  async update(actorType: ActorType, id: string, input: UpdateDefinitionDto): Promise<ActorDefinitionEntity> {
    const definition = await this.get(actorType, id);
    if (input.resourceRequirements !== undefined) {
      await this.definitions.update({ id }, { resourceRequirements: checkedResourceRequirements(input.resourceRequirements) });
    }
    return this.get(actorType, definition.id);
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
    Object.assign(definition, isInstalled(definition) ? { installStatus: 'pending', installError: null, installStartedAt: null } : { installStatus: 'ready' });
    const saved = await this.definitions.save(definition);
    await this.installs.start(saved);
    return this.get(actorType, id);
  }

  /** Tries a failed install of the definition's current version again (in the background). */
  async retryInstall(actorType: ActorType, id: string): Promise<ActorDefinitionEntity> {
    const definition = await this.get(actorType, id);
    if (!isInstalled(definition)) {
      throw new DomainError(ErrorCode.Conflict, `${definition.name} runs as it is (${definition.runtime.kind}): there is nothing to install`);
    }
    await this.installs.retry(definition);
    return this.get(actorType, id);
  }

  /**
   * The definition with its spec: the cached one, or, the first time, the one a worker's
   * `spec` run returns (through Temporal), which is cached for this version. A PyPI or npm
   * connector is installed in the background first (definition-installs.ts): until it is, the
   * answer is at once a 503 (installing) or a 409 (its install failed). Otherwise this fails
   * like any connector command (503, 504, 502).
   */
  async ensureSpec(definition: ActorDefinitionEntity): Promise<DefinitionWithSpec> {
    if (definition.spec) return definition as DefinitionWithSpec;
    if (isInstalled(definition) && this.installs.enabled) return this.installs.installed(definition);
    const key = `${definition.id}@${definition.version}`;
    let run = this.specRuns.get(key);
    if (!run) {
      run = this.fetchSpec(definition).finally(() => this.specRuns.delete(key));
      this.specRuns.set(key, run);
    }
    return run;
  }

  private async fetchSpec(definition: ActorDefinitionEntity): Promise<DefinitionWithSpec> {
    const spec = await this.commands.run({ command: 'spec', actorType: definition.actorType, definition });
    // cached for the version that ran: a version change meanwhile has dropped the spec and keeps it dropped
    // (QueryDeepPartialEntity cannot express the spec's index signature: the value is the column's own type)
    await this.definitions.update({ id: definition.id, version: definition.version }, { spec } as Parameters<typeof this.definitions.update>[1]);
    return Object.assign(definition, { spec });
  }
}
