export {
  InvalidCursorError,
  InvalidStorageKeyError,
  type LogAppender,
  type LogPage,
  type LogStorage,
  type ReadPageOptions,
} from './log-storage.js';
export { attemptLogKey, storageKeySegments, type AttemptLogRef } from './storage-keys.js';
export { LocalDirStorage, type LocalDirStorageOptions } from './local-dir-storage.js';
