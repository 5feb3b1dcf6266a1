/**
 * Check and discover, for saved sources/destinations and for configurations not saved yet.
 * The connector runs on a worker (ConnectorCommandsService). A saved actor goes there by id
 * and the worker loads its stored config; a config not saved yet is validated against the
 * spec first and travels sealed. The worker masks secrets in whatever the connector says.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ActorCatalogEntity, decryptConfig, mergeMaskedSecrets, specSecretValues, type ActorDefinitionEntity, type ActorType } from '@tributary/db';
import type { WorkspaceScope } from '../auth/workspace-scope.js';
import { DefinitionsService, type DefinitionWithSpec } from '../definitions/definitions.service.js';
import { DATA_SOURCE, SECRET_KEY } from '../infrastructure/tokens.js';
import type { CommandConfig } from '../temporal/connector-command-input.js';
import { ConnectorCommandsService } from '../temporal/connector-commands.service.js';
import { ActorsService } from './actors.service.js';

type Config = Record<string, unknown>;

export interface CheckResult {
  status: 'succeeded' | 'failed';
  message: string | null;
}

/** A config that is not saved (yet), with the plaintext of the fields its spec marks secret. */
const unsaved = (definition: DefinitionWithSpec, config: Config): CommandConfig => ({
  unsaved: { config, secretValues: [...specSecretValues(definition.spec.connectionSpecification, config)] },
});

@Injectable()
export class ActorCommandsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SECRET_KEY) private readonly secretKey: Buffer,
    @Inject(ActorsService) private readonly actors: ActorsService,
    @Inject(DefinitionsService) private readonly definitions: DefinitionsService,
    @Inject(ConnectorCommandsService) private readonly commands: ConnectorCommandsService,
  ) {}

  /** Checks a configuration before it is saved: 404/422 naming the body field at fault, then the connector's verdict. */
  async checkConfiguration(
    scope: WorkspaceScope,
    actorType: ActorType,
    input: { definitionId: string; workspaceId?: string; configuration: Config },
  ): Promise<CheckResult> {
    if (input.workspaceId) await this.actors.ensureWorkspace(scope, input.workspaceId);
    const definition = await this.definitions.ensureSpec(await this.actors.definitionFor(actorType, input.definitionId));
    this.actors.validate(definition, input.configuration);
    return this.check(actorType, definition, unsaved(definition, input.configuration));
  }

  /**
   * Checks a saved source/destination with its stored configuration (the worker loads it), or
   * with an edited one (validated; masked secrets keep their stored values; nothing is saved).
   */
  async checkSaved(scope: WorkspaceScope, actorType: ActorType, id: string, edited?: Config): Promise<CheckResult> {
    const actor = await this.actors.find(scope, actorType, id);
    const definition = await this.actors.definitionFor(actorType, actor.actorDefinitionId);
    if (!edited) return this.check(actorType, definition, { actorId: actor.id });
    const withSpec = await this.definitions.ensureSpec(definition);
    const stored = decryptConfig(this.secretKey, actor.id, actor.configuration);
    const config = mergeMaskedSecrets(withSpec.spec.connectionSpecification, edited, stored, '/configuration');
    this.actors.validate(withSpec, config);
    return this.check(actorType, withSpec, unsaved(withSpec, config));
  }

  /**
   * The source's catalog: the newest stored one unless `refresh`, else (or when none is
   * stored) the one discover returns now, stored as the newest (an unchanged catalog keeps its row).
   */
  async discover(scope: WorkspaceScope, sourceId: string, refresh: boolean): Promise<{ catalog: ActorCatalogEntity; cached: boolean }> {
    const source = await this.actors.find(scope, 'source', sourceId);
    const catalogs = this.dataSource.getRepository(ActorCatalogEntity);
    if (!refresh) {
      const newest = await catalogs.findOne({ where: { actorId: sourceId }, order: { createdAt: 'DESC' } });
      if (newest) return { catalog: newest, cached: true };
    }
    const definition = await this.actors.definitionFor('source', source.actorDefinitionId);
    // the worker loads the source's config and stores the catalog (it may be too large for Temporal to carry back)
    const { catalogId } = await this.commands.run({ command: 'discover', actorType: 'source', definition, config: { actorId: sourceId } });
    return { catalog: await catalogs.findOneByOrFail({ id: catalogId }), cached: false };
  }

  private async check(actorType: ActorType, definition: ActorDefinitionEntity, config: CommandConfig): Promise<CheckResult> {
    const status = await this.commands.run({ command: 'check', actorType, definition, config });
    return { status: status.status === 'SUCCEEDED' ? 'succeeded' : 'failed', message: status.message ?? null };
  }
}
