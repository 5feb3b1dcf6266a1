/**
 * Which storage holds the installation's logs, recorded in platform_metadata so processes on
 * different machines can tell whether they see the same one. The server registers the storage
 * it reads logs from; a worker compares its own before it takes any work (and records it
 * first when no server has yet), and each attempt records where its log went (attempt.log_path).
 */
import type { DataSource } from 'typeorm';
import { PlatformMetadataEntity } from './entities/index.js';

export const STORAGE_METADATA_KEY = 'storage';

export interface StorageIdentity {
  /** the id kept in the storage itself (libs/storage Storage.identify()) */
  id: string;
  /** for messages, e.g. `local directory /var/lib/tributary/storage` */
  location: string;
}

/** Where an attempt's log went, as attempt.log_path holds it. */
export interface AttemptLogLocation {
  storage: StorageIdentity;
  key: string;
  /** set by retention when it deleted the log (ISO 8601) */
  removedAt?: string;
}

function parseIdentity(value: unknown): StorageIdentity | undefined {
  const candidate = value as Partial<StorageIdentity> | null;
  return candidate && typeof candidate.id === 'string' && typeof candidate.location === 'string' ? { id: candidate.id, location: candidate.location } : undefined;
}

/** The server's: the storage it reads logs from is the one every worker must write to. */
export async function registerReadStorage(dataSource: DataSource, identity: StorageIdentity): Promise<void> {
  await dataSource.getRepository(PlatformMetadataEntity).upsert({ key: STORAGE_METADATA_KEY, value: JSON.stringify(identity) }, ['key']);
}

/** A worker's: the registered storage, after registering `identity` if none is. */
export async function registeredStorage(dataSource: DataSource, identity: StorageIdentity): Promise<StorageIdentity> {
  const repository = dataSource.getRepository(PlatformMetadataEntity);
  await repository.createQueryBuilder().insert().values({ key: STORAGE_METADATA_KEY, value: JSON.stringify(identity) }).orIgnore().execute();
  const row = await repository.findOneByOrFail({ key: STORAGE_METADATA_KEY });
  return parseIdentity(JSON.parse(row.value)) ?? identity;
}

export function encodeAttemptLogLocation(location: AttemptLogLocation): string {
  return JSON.stringify(location);
}

/** attempt.log_path back as a location; undefined for none or for what older versions wrote there. */
export function decodeAttemptLogLocation(logPath: string | null): AttemptLogLocation | undefined {
  if (!logPath?.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(logPath) as { storage?: unknown; key?: unknown; removedAt?: unknown };
    const storage = parseIdentity(value.storage);
    if (!storage || typeof value.key !== 'string') return undefined;
    return { storage, key: value.key, ...(typeof value.removedAt === 'string' ? { removedAt: value.removedAt } : {}) };
  } catch {
    return undefined;
  }
}

/** Records on the attempt where its log goes (attempt.log_path), before the first line is written. */
export async function recordAttemptLogLocation(
  dataSource: DataSource,
  attempt: { jobId: string; attemptNumber: number },
  location: AttemptLogLocation,
): Promise<void> {
  await dataSource.query('UPDATE attempt SET log_path = $1 WHERE job_id = $2 AND attempt_number = $3', [
    encodeAttemptLogLocation(location),
    attempt.jobId,
    attempt.attemptNumber,
  ]);
}
