export {
  InvalidCursorError,
  InvalidStorageKeyError,
  LogNotFoundError,
  PAGE_MAX_BYTES,
  type LogAppender,
  type LogPage,
  type LogStorage,
  type ReadPageOptions,
} from './log-storage.js';
export { attemptLogKey, storageKeySegments, type AttemptLogRef } from './storage-keys.js';
export { STORAGE_ID_KEY, type Storage } from './storage.js';
export { openStorage, type LocalStorageSettings, type S3StorageSettings, type StorageSettings } from './storage-settings.js';
export { LocalDirStorage, type LocalDirStorageOptions } from './local-dir-storage.js';
