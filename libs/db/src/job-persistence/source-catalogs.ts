/** Catalogs a source discovered (actor_catalog): history, newest last, without consecutive duplicates. */
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { canonicalJson } from '@tributary/domain';
import type { AirbyteCatalog } from '@tributary/protocol';
import { ActorCatalogEntity } from '../entities/index.js';

/** sha256 of the catalog's canonical JSON (keys sorted): equal for equal catalogs however they were serialised. */
export function catalogHash(catalog: AirbyteCatalog): string {
  return createHash('sha256').update(canonicalJson(catalog)).digest('hex');
}

/** Records a discovered catalog of the source and returns its id (the newest row's, when it is the same catalog). */
export async function recordSourceCatalog(manager: EntityManager, sourceId: string, catalog: AirbyteCatalog): Promise<string> {
  const repository = manager.getRepository(ActorCatalogEntity);
  const hash = catalogHash(catalog);
  const newest = await repository.findOne({
    where: { actorId: sourceId },
    order: { createdAt: 'DESC' },
    select: { id: true, catalogHash: true },
  });
  if (newest?.catalogHash === hash) return newest.id;
  const saved = await repository.save({ actorId: sourceId, catalog, catalogHash: hash });
  return saved.id;
}
