/**
 * Saved sources and destinations as a worker runs them: how to launch each one, its decrypted
 * config, and the plaintext of every secret in that config (masked wherever the connector speaks).
 */
import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { collectSecretStrings, notFound } from '@tributary/domain';
import type { ConnectorSide } from '@tributary/replication';
import type { ConnectorConfig } from '@tributary/workflows';
import { ActorEntity } from '../entities/index.js';
import { decryptConfig, decryptEnvelopes, specSecretValues } from '../secrets/index.js';

type Config = Record<string, unknown>;

/**
 * Every secret string of a stored config: the encrypted values (whatever the current spec
 * says) and the fields the spec marks airbyte_secret (in case one was stored in the clear).
 */
function storedSecretValues(key: Buffer, actorId: string, spec: Config | undefined, stored: Config, plain: Config): Set<string> {
  const found = new Set<string>();
  decryptEnvelopes(key, actorId, stored, (secret) => collectSecretStrings(secret, found));
  if (spec) for (const value of specSecretValues(spec, plain)) found.add(value);
  return found;
}

export interface LoadedSide {
  side: ConnectorSide;
  secrets: Set<string>;
}

function loadedSide(key: Buffer, actor: ActorEntity): LoadedSide {
  const { definition } = actor;
  const config = decryptConfig(key, actor.id, actor.configuration);
  return {
    side: {
      definition: {
        runtime: definition!.runtime,
        ...(definition!.image ? { image: definition!.image } : {}),
        ...(definition!.resourceRequirements ? { resources: definition!.resourceRequirements } : {}),
      },
      config,
    },
    secrets: storedSecretValues(key, actor.id, definition!.spec?.connectionSpecification, actor.configuration, config),
  };
}

export async function loadConnectorSides(
  manager: EntityManager,
  key: Buffer,
  actorIds: { source: string; destination: string },
): Promise<{ source: LoadedSide; destination: LoadedSide }> {
  const actors = await manager
    .getRepository(ActorEntity)
    .find({ where: { id: In([actorIds.source, actorIds.destination]) }, relations: { definition: true } });
  const load = (role: 'source' | 'destination'): LoadedSide => {
    const actor = actors.find((a) => a.id === actorIds[role]);
    if (!actor?.definition) throw notFound(role, actorIds[role]);
    return loadedSide(key, actor);
  };
  return { source: load('source'), destination: load('destination') };
}

/** One saved source's or destination's config (check and discover of a saved actor). */
export async function loadConnectorConfig(manager: EntityManager, key: Buffer, actorId: string): Promise<ConnectorConfig> {
  const actor = await manager.getRepository(ActorEntity).findOne({ where: { id: actorId }, relations: { definition: true } });
  if (!actor?.definition) throw notFound(actor?.actorType ?? 'source or destination', actorId);
  const { side, secrets } = loadedSide(key, actor);
  return { config: side.config, secretValues: [...secrets] };
}
