/**
 * Storage in an S3-compatible bucket (MinIO, AWS S3) through the `minio` client. Objects
 * cannot be appended to, so a log is a series of part objects under `<log key>/`, one per
 * batch the appender flushes, named so that listing order is writing order:
 * `<flush time, ms, 13 digits>-<writer id>-<sequence, 8 digits>.jsonl`. Every part holds
 * whole lines; a cursor is the part and a byte offset into it.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { LogEntry } from '@tributary/domain';
import { Client, S3Error } from 'minio';
import { BatchingAppender, type BatchingOptions } from '../batching-appender.js';
import { fromLogLine } from '../log-lines.js';
import { InvalidCursorError, LogNotFoundError, PAGE_MAX_BYTES, type LogAppender, type LogPage, type ReadPageOptions } from '../log-storage.js';
import type { S3StorageSettings } from '../storage-settings.js';
import { storageKeySegments } from '../storage-keys.js';
import { STORAGE_ID_KEY, type Storage } from '../storage.js';

export interface S3StorageOptions extends Partial<BatchingOptions> {
  /** keys listed per request while paging a log; default 1000 (the S3 maximum) */
  listPageSize?: number;
}

const NEWLINE = 0x0a;
const PART_NAME = /^\d{13}-[0-9a-f]{12}-\d{8}\.jsonl$/;
const CURSOR_PREFIX = 'p1:';
const MAX_CURSOR_LENGTH = 128;
/** S3 deletes at most this many keys per request */
const DELETE_BATCH = 1000;

/** The `minio` client, for code outside this entry that talks to a bucket (destination-jsonl's S3 mode). */
export type S3Client = Client;

/** The S3 error code of a refused request (`NoSuchBucket`, `SignatureDoesNotMatch`...), if it is one. */
export function s3ErrorCode(error: unknown): string | undefined {
  return error instanceof S3Error ? error.code : undefined;
}

export type S3ClientSettings = Pick<S3StorageSettings, 'endpoint' | 'region' | 'accessKeyId' | 'secretAccessKey' | 'pathStyle'>;

/** A `minio` client for an S3-compatible server (AWS S3 in `region` when no endpoint), and the server's origin for messages. */
export function createS3Client(settings: S3ClientSettings): { client: Client; origin: string } {
  const endpoint = new URL(settings.endpoint ?? `https://s3.${settings.region}.amazonaws.com`);
  const useSSL = endpoint.protocol === 'https:';
  const client = new Client({
    endPoint: endpoint.hostname,
    port: endpoint.port ? Number(endpoint.port) : useSSL ? 443 : 80,
    useSSL,
    region: settings.region,
    accessKey: settings.accessKeyId,
    secretKey: settings.secretAccessKey,
    pathStyle: settings.pathStyle,
  });
  return { client, origin: endpoint.origin };
}

interface Part {
  name: string;
  size: number;
}

export class S3Storage implements Storage {
  private readonly batching: BatchingOptions;
  private readonly listPageSize: number;

  constructor(
    private readonly client: Client,
    readonly bucket: string,
    readonly location: string,
    options: S3StorageOptions = {},
  ) {
    this.batching = {
      // each flush is a PUT: bigger and rarer than local appends, still live enough to follow a running sync
      flushBytes: options.flushBytes ?? 1024 * 1024,
      flushIntervalMs: options.flushIntervalMs ?? 2000,
      maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024,
    };
    this.listPageSize = options.listPageSize ?? 1000;
  }

  static fromSettings(settings: S3StorageSettings, options: S3StorageOptions = {}): S3Storage {
    const { client, origin } = createS3Client(settings);
    return new S3Storage(client, settings.bucket, `S3 bucket ${settings.bucket} at ${origin}`, options);
  }

  async identify(): Promise<string> {
    try {
      return await this.identifyOrThrow();
    } catch (error) {
      // the first call a process makes: say which storage failed, e.g. refused credentials
      throw new Error(`${this.location}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  private async identifyOrThrow(): Promise<string> {
    if (!(await this.client.bucketExists(this.bucket))) {
      try {
        await this.client.makeBucket(this.bucket);
      } catch (error) {
        // another process created it meanwhile
        if (!(error instanceof S3Error && ['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(error.code ?? ''))) throw error;
      }
    }
    try {
      // only if absent: the first process to get here names the storage for everyone
      await this.client.putObject(this.bucket, STORAGE_ID_KEY, randomUUID(), undefined, { 'If-None-Match': '*' });
    } catch (error) {
      if (!(error instanceof S3Error && error.code === 'PreconditionFailed')) throw error;
    }
    const id = await this.getBlob(STORAGE_ID_KEY);
    if (id === null) throw new Error(`${this.location}: the storage id object vanished right after it was written`);
    return id.toString('utf8').trim();
  }

  async putBlob(key: string, data: Buffer | string): Promise<void> {
    storageKeySegments(key);
    await this.client.putObject(this.bucket, key, data);
  }

  async getBlob(key: string): Promise<Buffer | null> {
    storageKeySegments(key);
    try {
      return await readAll(await this.client.getObject(this.bucket, key));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    storageKeySegments(key);
    let batch: string[] = [key];
    for await (const part of this.listParts(`${key}/`)) {
      batch.push(`${key}/${part.name}`);
      if (batch.length === DELETE_BATCH) {
        await this.client.removeObjects(this.bucket, batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.client.removeObjects(this.bucket, batch);
  }

  async openAppender(key: string): Promise<LogAppender> {
    storageKeySegments(key);
    const writer = randomUUID().replaceAll('-', '').slice(0, 12);
    let sequence = 0;
    let lastTime = 0;
    return new BatchingAppender(
      {
        write: async (batch) => {
          // never earlier than this writer's previous part, whatever the clock does
          lastTime = Math.max(lastTime, Date.now());
          sequence += 1;
          const name = `${String(lastTime).padStart(13, '0')}-${writer}-${String(sequence).padStart(8, '0')}.jsonl`;
          await this.client.putObject(this.bucket, `${key}/${name}`, batch, batch.length, { 'Content-Type': 'application/x-ndjson' });
        },
        finish: async () => {},
      },
      this.batching,
    );
  }

  async readPage(key: string, { cursor, limit, maxBytes = PAGE_MAX_BYTES }: ReadPageOptions): Promise<LogPage> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    storageKeySegments(key);
    const prefix = `${key}/`;
    let start: { part: Part; offset: number } | undefined;
    if (cursor !== undefined) {
      const { partName, offset } = decodePartCursor(cursor);
      start = { part: await this.cursorPart(prefix, partName, offset), offset };
    }
    // the parts after the cursor's, in order, listed lazily
    const later = this.listParts(prefix, start ? `${prefix}${start.part.name}` : undefined)[Symbol.asyncIterator]();
    const nextPart = async (): Promise<Part | undefined> => {
      const next = await later.next();
      return next.done ? undefined : next.value;
    };
    let current = start ?? (await nextPart().then((part) => part && { part, offset: 0 }));
    if (!current) throw new LogNotFoundError(key);

    const entries: LogEntry[] = [];
    let pageBytes = 0;
    const full = () => entries.length >= limit || pageBytes >= maxBytes;
    while (current) {
      const { part, offset } = current;
      const data = offset < part.size ? await readAll(await this.client.getPartialObject(this.bucket, `${prefix}${part.name}`, offset)) : Buffer.alloc(0);
      let lineStart = 0;
      for (let nl = data.indexOf(NEWLINE); nl !== -1 && !full(); nl = data.indexOf(NEWLINE, lineStart)) {
        if (nl > lineStart) {
          entries.push(fromLogLine(data.subarray(lineStart, nl).toString('utf8')));
          pageBytes += nl - lineStart;
        }
        lineStart = nl + 1;
      }
      // parts are written whole, so a part never ends inside a line; anything after the last newline is not ours
      if (!full() && lineStart < data.length) {
        entries.push(fromLogLine(data.subarray(lineStart).toString('utf8')));
        lineStart = data.length;
      }
      if (lineStart < data.length) return { entries, nextCursor: encodePartCursor(part.name, offset + lineStart) };
      const following = await nextPart();
      if (!following) return { entries, nextCursor: null };
      if (full()) return { entries, nextCursor: encodePartCursor(following.name, 0) };
      current = { part: following, offset: 0 };
    }
    return { entries, nextCursor: null };
  }

  /** The part a cursor names, checked: it exists under this log and the offset starts a line of it. */
  private async cursorPart(prefix: string, partName: string, offset: number): Promise<Part> {
    let size: number;
    try {
      size = (await this.client.statObject(this.bucket, `${prefix}${partName}`)).size;
    } catch (error) {
      if (isNotFound(error)) throw new InvalidCursorError('it names no part of this log');
      throw error;
    }
    if (offset > size) throw new InvalidCursorError('it points past the end of the part');
    if (offset > 0) {
      const before = await readAll(await this.client.getPartialObject(this.bucket, `${prefix}${partName}`, offset - 1, 1));
      if (before[0] !== NEWLINE) throw new InvalidCursorError('it does not point at the start of a line');
    }
    return { name: partName, size };
  }

  /** The objects under `prefix` (names relative to it), in key order, after `startAfter` if given. */
  private async *listParts(prefix: string, startAfter = ''): AsyncGenerator<Part> {
    let continuation = '';
    do {
      const page = await this.client.listObjectsV2Query(this.bucket, prefix, continuation, '', this.listPageSize, startAfter);
      for (const object of page.objects) {
        if (object.name) yield { name: object.name.slice(prefix.length), size: object.size };
      }
      continuation = page.isTruncated ? page.nextContinuationToken : '';
    } while (continuation);
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof S3Error && ['NoSuchKey', 'NotFound', 'NoSuchObject'].includes(error.code ?? '');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Opaque to clients like the local offset cursor: base64url of `p1:<part name>:<offset>`. */
function encodePartCursor(partName: string, offset: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${partName}:${offset}`, 'utf8').toString('base64url');
}

function decodePartCursor(cursor: string): { partName: string; offset: number } {
  const invalid = () => new InvalidCursorError('not a cursor this API handed out');
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) throw invalid();
  const match = /^p1:([^:]+):(0|[1-9]\d{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !PART_NAME.test(match[1]!)) throw invalid();
  const offset = Number(match[2]);
  // re-encoding must give the same string: Node's base64url decoder skips characters it does not know
  if (!Number.isSafeInteger(offset) || encodePartCursor(match[1]!, offset) !== cursor) throw invalid();
  return { partName: match[1]!, offset };
}
