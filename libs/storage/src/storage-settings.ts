/** Which storage a process uses (from libs/config's TRIBUTARY_STORAGE* variables), and opening it. */
import { LocalDirStorage } from './local-dir-storage.js';
import type { Storage } from './storage.js';

export interface LocalStorageSettings {
  kind: 'local';
  /** the directory; every worker and the server must see the same one */
  dir: string;
}

export interface S3StorageSettings {
  kind: 's3';
  bucket: string;
  /** e.g. `http://127.0.0.1:9000` (MinIO); unset: AWS S3 in `region` */
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `endpoint/bucket/key` URLs rather than `bucket.endpoint/key` (MinIO needs it) */
  pathStyle: boolean;
}

export type StorageSettings = LocalStorageSettings | S3StorageSettings;

/**
 * The storage the settings name. The S3 client is imported only here and only for `s3`, so
 * a process on local storage never loads it.
 */
export async function openStorage(settings: StorageSettings): Promise<Storage> {
  if (settings.kind === 'local') return new LocalDirStorage(settings.dir);
  const { S3Storage } = await import('./s3/index.js');
  return S3Storage.fromSettings(settings);
}
