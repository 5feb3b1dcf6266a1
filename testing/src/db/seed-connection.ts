/**
 * Test fixture: a connection with everything it needs (workspace, definitions with a spec,
 * source and destination actors with encrypted secrets), written the way the server writes
 * them. Tests import it from `@tributary/testing/db`.
 */
import type { StreamFieldSelection } from '@tributary/domain';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ConnectorRuntime } from '@tributary/launcher';
import type { ConfiguredAirbyteCatalog, ConnectorSpecification } from '@tributary/protocol';
import type { ConnectionSchedule } from '@tributary/workflows';
import {
  ActorDefinitionEntity,
  ActorEntity,
  ConnectionEntity,
  WorkspaceEntity,
  type ActorType,
  type ConnectionStatus,
  type NonBreakingChangesPolicy,
  encryptConfig,
} from '@tributary/db';

export interface SeedActor {
  runtime: ConnectorRuntime;
  config: Record<string, unknown>;
  /** default: an object schema without properties (so nothing is secret) */
  spec?: ConnectorSpecification;
  image?: string;
}

export interface SeedConnectionOptions {
  source: SeedActor;
  destination: SeedActor;
  catalog: ConfiguredAirbyteCatalog;
  /** default: none (every stream syncs every field); the catalog's schemas should list only the selected fields */
  fieldSelection?: StreamFieldSelection[];
  schedule?: ConnectionSchedule;
  status?: ConnectionStatus;
  nonBreakingChangesPolicy?: NonBreakingChangesPolicy;
  /** default: a new workspace */
  workspaceId?: string;
}

export interface SeededConnection {
  workspaceId: string;
  connectionId: string;
  sourceId: string;
  destinationId: string;
  sourceDefinitionId: string;
  destinationDefinitionId: string;
}

const EMPTY_SPEC: ConnectorSpecification = { connectionSpecification: { type: 'object', properties: {} } };

const runtimeName = (runtime: ConnectorRuntime): string =>
  runtime.kind === 'builtin' ? runtime.name : runtime.kind === 'command' ? runtime.command.split('/').pop()! : runtime.package;

async function seedActor(dataSource: DataSource, key: Buffer, workspaceId: string, actorType: ActorType, actor: SeedActor) {
  const spec = actor.spec ?? EMPTY_SPEC;
  // a definition per actor: definition names are unique, and each test may want its own spec
  const definition = await dataSource.getRepository(ActorDefinitionEntity).save({
    actorType,
    name: `${runtimeName(actor.runtime)}-${randomBytes(4).toString('hex')}`,
    runtime: actor.runtime,
    image: actor.image ?? null,
    version: '0.0.0-test',
    defaultVersion: null,
    documentationUrl: null,
    spec,
    custom: true,
  });
  const id = randomUUID();
  const saved = await dataSource.getRepository(ActorEntity).save({
    id,
    workspaceId,
    actorDefinitionId: definition.id,
    actorType,
    name: `test ${actorType}`,
    configuration: encryptConfig(key, id, spec.connectionSpecification, actor.config),
  });
  return { definitionId: definition.id, actorId: saved.id };
}

export async function seedConnection(dataSource: DataSource, secretKey: Buffer, options: SeedConnectionOptions): Promise<SeededConnection> {
  const workspaceId = options.workspaceId ?? (await dataSource.getRepository(WorkspaceEntity).save({ name: 'test workspace' })).id;
  const source = await seedActor(dataSource, secretKey, workspaceId, 'source', options.source);
  const destination = await seedActor(dataSource, secretKey, workspaceId, 'destination', options.destination);
  const connection = await dataSource.getRepository(ConnectionEntity).save({
    name: 'test connection',
    sourceId: source.actorId,
    destinationId: destination.actorId,
    configuredCatalog: options.catalog,
    fieldSelection: options.fieldSelection ?? [],
    sourceCatalogId: null,
    schedule: options.schedule ?? { type: 'manual' },
    status: options.status ?? 'active',
    statusReason: null,
    namespaceFormat: null,
    nonBreakingChangesPolicy: options.nonBreakingChangesPolicy ?? 'ignore',
  });
  return {
    workspaceId,
    connectionId: connection.id,
    sourceId: source.actorId,
    destinationId: destination.actorId,
    sourceDefinitionId: source.definitionId,
    destinationDefinitionId: destination.definitionId,
  };
}

/** Replaces an actor's config (encrypted with its definition's spec), as an edit through the API would. */
export async function updateActorConfig(
  dataSource: DataSource,
  secretKey: Buffer,
  actorId: string,
  config: Record<string, unknown>,
): Promise<void> {
  const actor = await dataSource.getRepository(ActorEntity).findOneOrFail({ where: { id: actorId }, relations: { definition: true } });
  actor.configuration = encryptConfig(secretKey, actor.id, (actor.definition?.spec ?? EMPTY_SPEC).connectionSpecification, config);
  await dataSource.getRepository(ActorEntity).save(actor);
}
