/**
 * Storage: everything Tributary keeps outside Postgres (attempt logs, blobs), behind one
 * port with two adapters: a local directory (the embedded default, LocalDirStorage) and an
 * S3-compatible bucket (S3Storage, behind `@tributary/storage/s3` so only apps that use it
 * load the client). Keys are the same `/`-separated plain names in both (storage-keys.ts).
 */
import type { LogStorage } from './log-storage.js';

/** The key of the marker that names a storage (see identify()). */
export const STORAGE_ID_KEY = 'storage-id';

export interface Storage extends LogStorage {
  /** where it is, for messages: `local directory /var/lib/tributary/storage`, `S3 bucket logs at http://minio:9000` */
  readonly location: string;
  /**
   * Creates what is missing (the directory, the bucket) and returns this storage's id: a
   * random id kept in the storage itself and made by whoever gets there first. Two processes
   * see the same id exactly when they see the same storage, however each one names it.
   */
  identify(): Promise<string>;
  /** Writes a whole object (replacing one at the key). */
  putBlob(key: string, data: Buffer | string): Promise<void>;
  /** The object at `key`, or null when there is none. */
  getBlob(key: string): Promise<Buffer | null>;
  /** Deletes the object at `key` and every object under `key/` (a log and its parts, all logs of a job); nothing there is fine. */
  remove(key: string): Promise<void>;
}
