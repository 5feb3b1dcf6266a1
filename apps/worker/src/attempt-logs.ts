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

/** Appends to `attemptLogKey(ref)` (a retried activity adds to what the previous try wrote). */
export function storageAttemptLogs(storage: LogStorage): AttemptLogs {
  return async (ref, options = {}) => {
    const appender = await storage.openAppender(attemptLogKey(ref));
    const mask = maskSecrets(options.secretValues ?? []);
    return {
      write: (entry) => appender.write({ ...entry, message: mask(entry.message) }),
      close: () => appender.close(),
    };
  };
}
