/**
 * The port attempt logs go through: JSON lines appended by the worker, paged by the API.
 * The local-dir implementation is the embedded default (one file, appended); the S3/MinIO
 * one buffers and uploads parts (object stores cannot append), which is why cursors are
 * opaque strings and not line numbers.
 */
import type { LogEntry } from '@tributary/domain';

export interface LogAppender {
  /** Buffered and never blocks: log producers (connector output) must not wait on storage. */
  write(entry: LogEntry): void;
  /** Flushes what is buffered; resolves once every written entry is durable. Later writes are ignored. */
  close(): Promise<void>;
}

export interface ReadPageOptions {
  /** where the previous page ended (its `nextCursor`); omit for the first page */
  cursor?: string;
  /** the most entries to return (a positive integer) */
  limit: number;
  /**
   * the page ends at the first entry that brings it to this many bytes of log lines (a page
   * always holds at least one entry); default PAGE_MAX_BYTES, so a page of huge lines stays small
   */
  maxBytes?: number;
}

/** 1 MiB: a page of 1,000 lines of a connector's 1 MiB stderr lines would otherwise be a gigabyte. */
export const PAGE_MAX_BYTES = 1024 * 1024;

export interface LogPage {
  entries: LogEntry[];
  /** where the next page starts; null when this page reached the end of the log */
  nextCursor: string | null;
}

export interface LogStorage {
  /** Appends to the log at `key` (a retried attempt adds to what is there). */
  openAppender(key: string): Promise<LogAppender>;
  /**
   * One page of the log at `key`, oldest first. A log this storage does not hold throws
   * LogNotFoundError: the caller decides whether that is "nothing written yet" or a lost log.
   */
  readPage(key: string, options: ReadPageOptions): Promise<LogPage>;
}

/** A cursor this storage did not hand out (garbled, or not pointing at a line of this log). */
export class InvalidCursorError extends Error {
  constructor(reason: string) {
    super(`invalid cursor: ${reason}`);
    this.name = 'InvalidCursorError';
  }
}

/** A key that is not a relative path of safe segments (it could escape the storage root). */
export class InvalidStorageKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidStorageKeyError';
  }
}

/** No log at this key in this storage: not written yet, written to another storage, or deleted. */
export class LogNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no log at ${key}`);
    this.name = 'LogNotFoundError';
  }
}
