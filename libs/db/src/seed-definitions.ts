import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import type { ConnectorRuntime } from '@tributary/launcher';
import type { ConnectorSpecification } from '@tributary/protocol';
import { ActorDefinitionEntity, INSTALLED_RUNTIMES, type ActorType } from './entities/index.js';

/**
 * A connector definition from a registry: the catalog shipped with the platform (the bootloader
 * seeds it) or an operator's own (cron's definitions refresh re-reads it).
 */
export interface SeedDefinition {
  actorType: ActorType;
  name: string;
  runtime: ConnectorRuntime;
  version: string;
  image: string | null;
  documentationUrl: string | null;
}

export interface SeedResult {
  created: string[];
  updated: string[];
  /** seeded connectors a user moved to another version: left as they are */
  keptUserVersion: string[];
}

/** Fetches the spec of a connector that can run here without installing anything (builtins). */
export type SpecFetcher = (definition: SeedDefinition) => Promise<ConnectorSpecification | undefined>;

/**
 * Inserts missing definitions and moves seeded ones to the catalog's pinned version,
 * unless a user chose another version (version != defaultVersion). A cached spec
 * belongs to a version, so it is dropped when the version moves. Builtin specs are
 * cached right away; PyPI specs are cached by a worker on first use.
 */
export async function seedDefinitions(manager: EntityManager, catalog: SeedDefinition[], fetchSpec: SpecFetcher): Promise<SeedResult> {
  const result: SeedResult = { created: [], updated: [], keptUserVersion: [] };
  for (const seed of catalog) {
    const label = `${seed.actorType}/${seed.name}`;
    const existing = await manager.findOneBy(ActorDefinitionEntity, { actorType: seed.actorType, name: seed.name });
    if (existing?.custom) continue;

    if (existing && existing.version !== existing.defaultVersion) {
      if (existing.defaultVersion !== seed.version) {
        await manager.update(ActorDefinitionEntity, { id: existing.id }, { defaultVersion: seed.version });
        result.keptUserVersion.push(label);
      }
      continue;
    }

    const versionMoves = !existing || existing.version !== seed.version || !isDeepStrictEqual(existing.runtime, seed.runtime);
    const needsSpec = seed.runtime.kind === 'builtin' && (versionMoves || existing?.spec == null);
    const metadataChanged = !existing || existing.image !== seed.image || existing.documentationUrl !== seed.documentationUrl;
    if (!versionMoves && !needsSpec && !metadataChanged) continue;

    const spec = needsSpec ? ((await fetchSpec(seed)) ?? null) : versionMoves ? null : (existing?.spec ?? null);
    if (existing && !versionMoves && !metadataChanged && spec === null) continue; // spec still unavailable: nothing to write
    // a new version of a PyPI/npm connector waits for its (background) install; anything else runs as it is
    const install = INSTALLED_RUNTIMES.includes(seed.runtime.kind)
      ? versionMoves || !existing
        ? { installStatus: 'pending' as const, installError: null, installStartedAt: null }
        : {}
      : { installStatus: 'ready' as const };
    await manager.save(ActorDefinitionEntity, { ...(existing ?? {}), ...seed, defaultVersion: seed.version, spec, custom: false, ...install });
    (existing ? result.updated : result.created).push(label);
  }
  return result;
}
