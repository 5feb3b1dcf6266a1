/**
 * Storage as files under one directory (the embedded default): `<root>/<key>`, directories
 * 0700 and files 0600, since a log may hold connector output nobody else should read. A log
 * is one file, appended in batches.
 */
import { randomUUID } from 'node:crypto';
import type { LogEntry } from '@tributary/domain';
import { link, mkdir, open, readFile, rename, rm, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { BatchingAppender, type BatchSink } from './batching-appender.js';
import { fromLogLine } from './log-lines.js';
import {
  InvalidCursorError,
  InvalidStorageKeyError,
  LogNotFoundError,
  PAGE_MAX_BYTES,
  type LogAppender,
  type LogPage,
  type ReadPageOptions,
} from './log-storage.js';
import { decodeOffsetCursor, encodeOffsetCursor } from './offset-cursor.js';
import { storageKeySegments } from './storage-keys.js';
import { STORAGE_ID_KEY, type Storage } from './storage.js';

export interface LocalDirStorageOptions {
  /** write the buffer out once it holds this many bytes; default 64 KiB */
  flushBytes?: number;
  /** ...and at least this often, so a running attempt's log can be read live; default 250 ms */
  flushIntervalMs?: number;
  /** bytes waiting for the disk before new entries are dropped (and counted); default 8 MiB */
  maxBufferedBytes?: number;
  /** bytes read at a time when paging; default 64 KiB */
  readChunkBytes?: number;
}

const NEWLINE = 0x0a;

export class LocalDirStorage implements Storage {
  readonly rootDir: string;
  private readonly options: Required<LocalDirStorageOptions>;

  constructor(rootDir: string, options: LocalDirStorageOptions = {}) {
    this.rootDir = resolve(rootDir);
    this.options = {
      flushBytes: options.flushBytes ?? 64 * 1024,
      flushIntervalMs: options.flushIntervalMs ?? 250,
      maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024,
      readChunkBytes: options.readChunkBytes ?? 64 * 1024,
    };
  }

  get location(): string {
    return `local directory ${this.rootDir}`;
  }

  /** The file a key names; throws InvalidStorageKeyError for anything that could leave the root. */
  pathOf(key: string): string {
    const path = resolve(this.rootDir, ...storageKeySegments(key));
    if (!path.startsWith(this.rootDir + sep)) throw new InvalidStorageKeyError(key, 'resolves outside the storage root');
    return path;
  }

  async openAppender(key: string): Promise<LogAppender> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    return new BatchingAppender(fileSink(await open(path, 'a', 0o600)), this.options);
  }

  async identify(): Promise<string> {
    await mkdir(this.rootDir, { recursive: true, mode: 0o700 });
    const marker = this.pathOf(STORAGE_ID_KEY);
    const existing = await readIfExists(marker);
    if (existing !== null) return existing.toString('utf8').trim();
    // written whole under a temporary name, then linked: link() fails if another process got there first
    const candidate = `${marker}.${randomUUID()}.tmp`;
    await writeFile(candidate, randomUUID(), { mode: 0o600 });
    try {
      await link(candidate, marker);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(candidate);
    }
    return (await readFile(marker, 'utf8')).trim();
  }

  async putBlob(key: string, data: Buffer | string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    // readers see the old object or the new one, never half of it
    const partial = join(dirname(path), `.${randomUUID()}.partial`);
    await writeFile(partial, data, { mode: 0o600 });
    await rename(partial, path);
  }

  async getBlob(key: string): Promise<Buffer | null> {
    return readIfExists(this.pathOf(key));
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { recursive: true, force: true });
  }

  async readPage(key: string, { cursor, limit, maxBytes = PAGE_MAX_BYTES }: ReadPageOptions): Promise<LogPage> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    const path = this.pathOf(key);
    const start = cursor === undefined ? 0 : decodeOffsetCursor(cursor);
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new LogNotFoundError(key);
      throw error;
    }
    try {
      const { size } = await file.stat();
      await assertLineStart(file, start, size);
      return await readLines(file, start, size, { limit, maxBytes }, this.options.readChunkBytes);
    } finally {
      await file.close();
    }
  }
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** A cursor must point at the end of the log or just after a newline. */
async function assertLineStart(file: FileHandle, offset: number, size: number): Promise<void> {
  if (offset > size) throw new InvalidCursorError('it points past the end of the log');
  if (offset === 0) return;
  const before = Buffer.alloc(1);
  await file.read(before, 0, 1, offset - 1);
  if (before[0] !== NEWLINE) throw new InvalidCursorError('it does not point at the start of a line');
}

/**
 * Up to `limit` entries from `start`, reading fixed-size chunks and carrying a line split
 * across chunks over to the next one. Lines are decoded whole, so multi-byte characters
 * cut by a chunk boundary survive.
 */
async function readLines(
  file: FileHandle,
  start: number,
  size: number,
  { limit, maxBytes }: { limit: number; maxBytes: number },
  chunkBytes: number,
): Promise<LogPage> {
  const entries: LogEntry[] = [];
  let pageBytes = 0;
  const full = () => entries.length >= limit || pageBytes >= maxBytes;
  const chunk = Buffer.alloc(chunkBytes);
  let carry: Buffer[] = [];
  let readPosition = start;
  /** just after the last line consumed: where the next page starts */
  let consumed = start;
  let atEnd = false;
  while (!full()) {
    const { bytesRead } = await file.read(chunk, 0, chunk.length, readPosition);
    if (bytesRead === 0) {
      atEnd = true;
      break;
    }
    const data = chunk.subarray(0, bytesRead);
    let lineStart = 0;
    for (let nl = data.indexOf(NEWLINE); nl !== -1 && !full(); nl = data.indexOf(NEWLINE, lineStart)) {
      const piece = data.subarray(lineStart, nl);
      const line = carry.length > 0 ? Buffer.concat([...carry, piece]) : piece;
      carry = [];
      if (line.length > 0) {
        entries.push(fromLogLine(line.toString('utf8')));
        pageBytes += line.length;
      }
      consumed = readPosition + nl + 1;
      lineStart = nl + 1;
    }
    if (!full() && lineStart < bytesRead) carry.push(Buffer.from(data.subarray(lineStart)));
    readPosition += bytesRead;
  }
  // a last line without its newline: torn by a crash (our appender writes whole lines), shown rather than hidden
  if (atEnd && carry.length > 0) {
    entries.push(fromLogLine(Buffer.concat(carry).toString('utf8')));
    consumed = readPosition;
  }
  const reachedEnd = atEnd || consumed >= size;
  return { entries, nextCursor: reachedEnd ? null : encodeOffsetCursor(consumed) };
}

/** Appends each batch to the log file; fsync and close at the end. */
function fileSink(file: FileHandle): BatchSink {
  return {
    write: (batch) => writeAll(file, batch),
    async finish(failed) {
      try {
        if (!failed) await file.sync();
      } finally {
        await file.close();
      }
    },
  };
}

async function writeAll(file: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await file.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}
