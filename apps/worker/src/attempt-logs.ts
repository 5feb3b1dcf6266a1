/**
 * Where an attempt's log lines go (platform + connector output, as structured JSON lines).
 * A local directory for now; libs/storage (dir | S3/MinIO) will implement the same port.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogEntry } from '@tributary/launcher';
import type { AttemptRef } from '@tributary/workflows';

export interface AttemptLogWriter {
  write(entry: LogEntry): void;
  /** flushes; resolves when everything written is durable */
  close(): Promise<void>;
}

export type AttemptLogs = (ref: AttemptRef) => Promise<AttemptLogWriter>;

/** `<dir>/<connectionId>/<jobId>/attempt-<n>.jsonl`, appended to (a retried activity adds to it). */
export function directoryAttemptLogs(dir: string): AttemptLogs {
  return async (ref) => {
    const jobDir = join(dir, ref.connectionId, ref.jobId);
    await mkdir(jobDir, { recursive: true });
    const out = createWriteStream(join(jobDir, `attempt-${ref.attemptNumber}.jsonl`), { flags: 'a' });
    return {
      write: (entry) => void out.write(`${JSON.stringify(entry)}\n`),
      close: () => new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve()))),
    };
  };
}
