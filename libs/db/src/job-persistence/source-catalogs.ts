/** Catalogs a source discovered (actor_catalog): history, newest last, without consecutive duplicates. */
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { AirbyteCatalog } from '@tributary/protocol';
import { ActorCatalogEntity } from '../entities/index.js';

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

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
