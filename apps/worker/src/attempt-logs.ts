/**
 * Where an attempt's log lines go (platform + connector output, as structured JSON lines):
 * libs/storage, under the attempt's key, with the connection's secrets masked before
 * anything is written.
 */
import { type LogEntry, maskSecrets } from '@tributary/domain';
import { attemptLogKey, type LogStorage } from '@tributary/storage';
import type { AttemptRef } from '@tributary/workflows';

export interface AttemptLogWriter {
  /** never blocks and never throws: connector output must not wait on storage */
  write(entry: LogEntry): void;
  /** flushes; resolves when everything written is durable */
  close(): Promise<void>;
}

export interface AttemptLogOptions {
  /** plaintext secrets of the connection's configs (SyncConfig.secretValues): masked in every line */
  secretValues?: readonly string[];
}

export type AttemptLogs = (ref: AttemptRef, options?: AttemptLogOptions) => Promise<AttemptLogWriter>;

/** Records where an attempt's log goes (attempt.log_path), so the server can tell a log it cannot see from one never written. */
export type RecordLogLocation = (ref: AttemptRef, key: string) => Promise<void>;

/** Appends to `attemptLogKey(ref)` (a retried activity adds to what the previous try wrote). */
export function storageAttemptLogs(storage: LogStorage, recordLocation?: RecordLogLocation): AttemptLogs {
  return async (ref, options = {}) => {
    const key = attemptLogKey(ref);
    await recordLocation?.(ref, key);
    const appender = await storage.openAppender(key);
    const mask = maskSecrets(options.secretValues ?? []);
    return {
      write: (entry) => appender.write({ ...entry, message: mask(entry.message) }),
      close: () => appender.close(),
    };
  };
}
