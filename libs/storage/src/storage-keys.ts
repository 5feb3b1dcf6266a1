/**
 * Storage keys are `/`-separated relative paths of plain segments, the same for a local
 * directory and an object-store bucket. Validated everywhere, so no key can name a file
 * outside the storage root (`..`, absolute paths, backslashes, NUL).
 */
import { InvalidStorageKeyError } from './log-storage.js';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/;

/** Throws InvalidStorageKeyError unless `key` is safe to join under a storage root; returns its segments. */
export function storageKeySegments(key: string): string[] {
  if (key.length === 0 || key.length > 1024) throw new InvalidStorageKeyError(key, 'must be 1 to 1024 characters');
  const segments = key.split('/');
  for (const segment of segments) {
    // the first character can't be a dot, so `.` and `..` never pass
    if (!SEGMENT.test(segment)) {
      throw new InvalidStorageKeyError(key, `segment ${JSON.stringify(segment)} is not a plain name (letters, digits, . _ -)`);
    }
  }
  return segments;
}

export interface AttemptLogRef {
  connectionId: string;
  jobId: string;
  attemptNumber: number;
}

/** `logs/<connectionId>/<jobId>/attempt-<n>.jsonl`: where the worker writes an attempt's log and the API reads it. */
export function attemptLogKey(ref: AttemptLogRef): string {
  if (!Number.isSafeInteger(ref.attemptNumber) || ref.attemptNumber < 0) {
    throw new InvalidStorageKeyError(String(ref.attemptNumber), 'the attempt number must be a non-negative integer');
  }
  const key = `logs/${ref.connectionId}/${ref.jobId}/attempt-${ref.attemptNumber}.jsonl`;
  storageKeySegments(key);
  // the ids themselves may not contain a separator either: the key has exactly these four parts
  if (key.split('/').length !== 4) throw new InvalidStorageKeyError(key, 'connection and job ids may not contain "/"');
  return key;
}
