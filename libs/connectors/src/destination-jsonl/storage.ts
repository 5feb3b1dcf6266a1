/**
 * Where destination-jsonl puts its files, behind a small interface so an object store
 * (S3/MinIO) can replace the local directory later. Paths are lists of already
 * sanitised segments, relative to the storage root.
 */

export type WriteMode = 'append' | 'replace';

export interface StoredObjectWriter {
  /** appends bytes (buffered by the caller; each call is one write) */
  write(data: string): Promise<void>;
  /** makes everything written so far durable: the destination acknowledges state after this */
  sync(): Promise<void>;
  /** finishes the object; for 'replace', the new content becomes visible and replaces the old */
  commit(): Promise<void>;
  /** gives up: for 'replace', the old content stays as it was; for 'append', what was synced stays */
  abort(): Promise<void>;
}

export interface JsonlStorage {
  /** a human-readable location for logs, e.g. the directory path */
  readonly description: string;
  /** fails with a clear message if the storage cannot be written */
  checkWritable(): Promise<void>;
  open(path: readonly string[], mode: WriteMode): Promise<StoredObjectWriter>;
}
