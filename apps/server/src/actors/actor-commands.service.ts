/**
 * Check and discover, for saved sources/destinations and for configurations not saved yet.
 * The connector runs on a worker (ConnectorCommandsService); configurations are validated
 * against the spec before anything runs.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ActorCatalogEntity, decryptConfig, mapSecrets, mergeMaskedSecrets, type ActorType } from '@tributary/db';
import { maskSecrets } from '@tributary/storage';
import type { DefinitionWithSpec } from '../definitions/definitions.service.js';
import { DATA_SOURCE, SECRET_KEY } from '../infrastructure/tokens.js';
import { ConnectorCommandsService } from '../temporal/connector-commands.service.js';
import { ActorsService } from './actors.service.js';

type Config = Record<string, unknown>;

export interface CheckResult {
  status: 'succeeded' | 'failed';
  message: string | null;
}

/** The plaintext secrets of a config (fields the spec marks airbyte_secret), to mask in what goes back. */
function secretValuesOf(definition: Pick<DefinitionWithSpec, 'spec'>, config: Config): string[] {
  const values: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') values.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  mapSecrets(definition.spec?.connectionSpecification ?? {}, config, (value) => collect(value));
  return values;
}

@Injectable()
export class ActorCommandsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SECRET_KEY) private readonly secretKey: Buffer,
    @Inject(ActorsService) private readonly actors: ActorsService,
    @Inject(ConnectorCommandsService) private readonly commands: ConnectorCommandsService,
  ) {}

  /** Checks a configuration before it is saved: 404/422 naming the body field at fault, then the connector's verdict. */
  async checkConfiguration(
    actorType: ActorType,
    input: { definitionId: string; workspaceId?: string; configuration: Config },
  ): Promise<CheckResult> {
    if (input.workspaceId) await this.actors.ensureWorkspace(input.workspaceId);
    const definition = await this.actors.definitionFor(actorType, input.definitionId);
    this.actors.validate(definition, input.configuration);
    return this.check(actorType, definition, input.configuration);
  }

  /**
   * Checks a saved source/destination with its stored configuration, or with an edited one
   * (validated; masked secrets keep their stored values; nothing is saved).
   */
  async checkSaved(actorType: ActorType, id: string, edited?: Config): Promise<CheckResult> {
    const actor = await this.actors.find(actorType, id);
    const definition = await this.actors.definitionFor(actorType, actor.actorDefinitionId);
    const stored = decryptConfig(this.secretKey, actor.configuration);
    let config = stored;
    if (edited) {
      config = mergeMaskedSecrets(definition.spec.connectionSpecification, edited, stored, '/configuration');
      this.actors.validate(definition, config);
    }
    return this.check(actorType, definition, config);
  }

  /**
   * The source's catalog: the newest stored one unless `refresh`, else (or when none is
   * stored) the one discover returns now, stored as the newest (an unchanged catalog keeps its row).
   */
  async discover(sourceId: string, refresh: boolean): Promise<{ catalog: ActorCatalogEntity; cached: boolean }> {
    const source = await this.actors.find('source', sourceId);
    const catalogs = this.dataSource.getRepository(ActorCatalogEntity);
    if (!refresh) {
      const newest = await catalogs.findOne({ where: { actorId: sourceId }, order: { createdAt: 'DESC' } });
      if (newest) return { catalog: newest, cached: true };
    }
    const definition = await this.actors.definitionFor('source', source.actorDefinitionId);
    const config = decryptConfig(this.secretKey, source.configuration);
    // the worker stores the catalog (it may be too large for Temporal to carry back)
    const { catalogId } = await this.commands.run({
      command: 'discover',
      actorType: 'source',
      definition,
      config,
      secretValues: secretValuesOf(definition, config),
      sourceId,
    });
    return { catalog: await catalogs.findOneByOrFail({ id: catalogId }), cached: false };
  }

  private async check(actorType: ActorType, definition: DefinitionWithSpec, config: Config): Promise<CheckResult> {
    const secretValues = secretValuesOf(definition, config);
    const status = await this.commands.run({ command: 'check', actorType, definition, config, secretValues });
    return {
      status: status.status === 'SUCCEEDED' ? 'succeeded' : 'failed',
      message: status.message ? maskSecrets(secretValues)(status.message) : null,
    };
  }
}
