/**
 * Logs as files under one directory (the embedded default): `<root>/<key>`, directories
 * 0700 and files 0600, since a log may hold connector output nobody else should read.
 */
import type { LogEntry } from '@tributary/domain';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { fromLogLine, toLogLine } from './log-lines.js';
import {
  InvalidCursorError,
  InvalidStorageKeyError,
  type LogAppender,
  type LogPage,
  type LogStorage,
  type ReadPageOptions,
} from './log-storage.js';
import { decodeOffsetCursor, encodeOffsetCursor } from './offset-cursor.js';
import { storageKeySegments } from './storage-keys.js';

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

export class LocalDirStorage implements LogStorage {
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

  /** The file a key names; throws InvalidStorageKeyError for anything that could leave the root. */
  pathOf(key: string): string {
    const path = resolve(this.rootDir, ...storageKeySegments(key));
    if (!path.startsWith(this.rootDir + sep)) throw new InvalidStorageKeyError(key, 'resolves outside the storage root');
    return path;
  }

  async openAppender(key: string): Promise<LogAppender> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    return new FileLogAppender(await open(path, 'a', 0o600), this.options);
  }

  async readPage(key: string, { cursor, limit }: ReadPageOptions): Promise<LogPage> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    const path = this.pathOf(key);
    const start = cursor === undefined ? 0 : decodeOffsetCursor(cursor);
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], nextCursor: null };
      throw error;
    }
    try {
      const { size } = await file.stat();
      await assertLineStart(file, start, size);
      return await readLines(file, start, size, limit, this.options.readChunkBytes);
    } finally {
      await file.close();
    }
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
async function readLines(file: FileHandle, start: number, size: number, limit: number, chunkBytes: number): Promise<LogPage> {
  const entries: LogEntry[] = [];
  const chunk = Buffer.alloc(chunkBytes);
  let carry: Buffer[] = [];
  let readPosition = start;
  /** just after the last line consumed: where the next page starts */
  let consumed = start;
  let atEnd = false;
  while (entries.length < limit) {
    const { bytesRead } = await file.read(chunk, 0, chunk.length, readPosition);
    if (bytesRead === 0) {
      atEnd = true;
      break;
    }
    const data = chunk.subarray(0, bytesRead);
    let lineStart = 0;
    for (let nl = data.indexOf(NEWLINE); nl !== -1 && entries.length < limit; nl = data.indexOf(NEWLINE, lineStart)) {
      const piece = data.subarray(lineStart, nl);
      const line = carry.length > 0 ? Buffer.concat([...carry, piece]) : piece;
      carry = [];
      if (line.length > 0) entries.push(fromLogLine(line.toString('utf8')));
      consumed = readPosition + nl + 1;
      lineStart = nl + 1;
    }
    if (entries.length < limit && lineStart < bytesRead) carry.push(Buffer.from(data.subarray(lineStart)));
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

/**
 * Buffers lines in memory and appends them in order, one write at a time. write() never
 * waits; if the disk falls behind by more than maxBufferedBytes, entries are dropped and
 * a warning saying how many goes into the log instead.
 */
class FileLogAppender implements LogAppender {
  private pending: string[] = [];
  private pendingBytes = 0;
  /** pending plus handed to the disk but not yet written */
  private queuedBytes = 0;
  private dropped = 0;
  private writes: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly file: FileHandle,
    private readonly options: Required<LocalDirStorageOptions>,
  ) {}

  write(entry: LogEntry): void {
    if (this.closing) return;
    const line = toLogLine(entry);
    const bytes = Buffer.byteLength(line);
    if (this.queuedBytes + bytes > this.options.maxBufferedBytes) {
      this.dropped += 1;
      return;
    }
    this.pending.push(line);
    this.pendingBytes += bytes;
    this.queuedBytes += bytes;
    if (this.pendingBytes >= this.options.flushBytes) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.flushIntervalMs).unref();
  }

  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<void> {
    try {
      await this.flush();
      if (!this.failure) await this.file.sync();
    } finally {
      await this.file.close();
    }
    if (this.failure) throw this.failure;
  }

  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dropped > 0) {
      const message = `${this.dropped} log lines dropped: the log storage could not keep up`;
      const line = toLogLine({ timestamp: Date.now(), level: 'warn', origin: 'platform', message });
      this.pending.push(line);
      this.queuedBytes += Buffer.byteLength(line);
      this.dropped = 0;
    }
    if (this.pending.length === 0) return this.writes;
    const data = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingBytes = 0;
    this.writes = this.writes.then(async () => {
      try {
        // the first failure sticks: close() reports it, and later lines are not written out of order
        if (!this.failure) await writeAll(this.file, data);
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      } finally {
        this.queuedBytes -= data.length;
      }
    });
    return this.writes;
  }
}

async function writeAll(file: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await file.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}
