/**
 * The connectors an attempt runs: how to launch each one and its decrypted config, plus the
 * plaintext of every secret in those configs, which attempt logs mask.
 */
import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { ConnectorSide } from '@tributary/replication';
import { notFound } from '../domain-errors.js';
import { ActorEntity } from '../entities/index.js';
import { decryptConfig, decryptValue, isSecretEnvelope, mapSecrets } from '../secrets/index.js';
import { mapDeep } from '../secrets/spec-secrets.js';

type Config = Record<string, unknown>;

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (value.length > 0) into.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) collectStrings(item, into);
  }
}

/**
 * Every secret string of a stored config: the encrypted values (whatever the current spec
 * says) and the fields the spec marks airbyte_secret (in case one was stored in the clear).
 */
export function secretStrings(key: Buffer, spec: Config | undefined, stored: Config, plain: Config): Set<string> {
  const found = new Set<string>();
  mapDeep(stored, isSecretEnvelope, (envelope) => collectStrings(decryptValue(key, envelope as Parameters<typeof decryptValue>[1]), found));
  if (spec) mapSecrets(spec, plain, (value) => collectStrings(value, found));
  return found;
}

export interface LoadedSide {
  side: ConnectorSide;
  secrets: Set<string>;
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
    const { definition } = actor;
    const config = decryptConfig(key, actor.configuration);
    return {
      side: { definition: { runtime: definition.runtime, ...(definition.image ? { image: definition.image } : {}) }, config },
      secrets: secretStrings(key, definition.spec?.connectionSpecification, actor.configuration, config),
    };
  };
  return { source: load('source'), destination: load('destination') };
}
