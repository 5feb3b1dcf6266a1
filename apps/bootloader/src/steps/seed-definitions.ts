import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import { ActorDefinitionEntity } from '@tributary/db';
import type { ConnectorSpecification } from '@tributary/protocol';
import type { SeedDefinition } from '../connector-catalog.js';

export interface SeedResult {
  created: string[];
  updated: string[];
}

/** Fetches the spec of a connector that can run here without installing anything (builtins). */
export type SpecFetcher = (definition: SeedDefinition) => Promise<ConnectorSpecification | undefined>;

/**
 * Inserts missing definitions; moves seeded (not user-added) ones to the catalog's
 * pinned runtime, dropping their cached spec since it belongs to the old version.
 * Builtin specs are cached right away; PyPI specs are cached by a worker on first use.
 */
export async function seedDefinitions(manager: EntityManager, catalog: SeedDefinition[], fetchSpec: SpecFetcher): Promise<SeedResult> {
  const result: SeedResult = { created: [], updated: [] };
  for (const seed of catalog) {
    const existing = await manager.findOneBy(ActorDefinitionEntity, { actorType: seed.actorType, name: seed.name });
    if (existing?.custom) continue;
    const upToDate =
      existing !== null &&
      existing.version === seed.version &&
      isDeepStrictEqual(existing.runtime, seed.runtime) &&
      existing.image === seed.image &&
      existing.documentationUrl === seed.documentationUrl &&
      (existing.spec !== null || seed.runtime.kind !== 'builtin');
    if (upToDate) continue;
    const versionChanged = existing === null || existing.version !== seed.version || !isDeepStrictEqual(existing.runtime, seed.runtime);
    const spec = versionChanged || existing?.spec == null ? ((await fetchSpec(seed)) ?? null) : existing.spec;
    await manager.save(ActorDefinitionEntity, { ...(existing ?? {}), ...seed, spec, custom: false });
    (existing ? result.updated : result.created).push(`${seed.actorType}/${seed.name}`);
  }
  return result;
}
