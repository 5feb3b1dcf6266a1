/**
 * The storage contract, run against both adapters: the local directory and S3 on a real
 * MinIO server (tools/ensure-minio.sh builds it once; npm test does that before any test).
 * Whatever passes here, the worker and the server may rely on whichever storage is configured.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEntry } from '@tributary/domain';
import { startTestMinio, type TestMinio } from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDirStorage } from './local-dir-storage.js';
import { InvalidCursorError, InvalidStorageKeyError, LogNotFoundError, type LogPage, type LogStorage } from './log-storage.js';
import { S3Storage } from './s3/s3-storage.js';
import { attemptLogKey } from './storage-keys.js';
import { openStorage } from './storage-settings.js';
import type { Storage } from './storage.js';

const KEY = attemptLogKey({ connectionId: '6f1c3a52-3d4b-4c1e-9a51-0d2b7f1e2a10', jobId: '42', attemptNumber: 1 });
const OTHER_KEY = attemptLogKey({ connectionId: '6f1c3a52-3d4b-4c1e-9a51-0d2b7f1e2a10', jobId: '42', attemptNumber: 2 });

interface BatchOptions {
  flushBytes?: number;
  flushIntervalMs?: number;
  maxBufferedBytes?: number;
}

interface Adapter {
  name: string;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** a fresh, empty storage (a new directory / a new bucket) */
  fresh(options?: BatchOptions): Promise<Storage>;
  /** another handle on the same storage as `storage`, as a second process would open it */
  again(storage: Storage): Storage;
}

const entry = (n: number, message = `line ${n}`): LogEntry => ({
  timestamp: 1_700_000_000_000 + n,
  level: 'info',
  origin: 'source',
  message,
});

async function readAll(storage: LogStorage, key: string, limit: number): Promise<{ pages: LogPage[]; entries: LogEntry[] }> {
  const pages: LogPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await storage.readPage(key, { cursor, limit });
    pages.push(page);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && pages.length < 10_000);
  return { pages, entries: pages.flatMap((p) => p.entries) };
}

const local = (): Adapter => {
  let root = '';
  const dirs = new Map<Storage, string>();
  return {
    name: 'local directory',
    async setUp() {
      root = await mkdtemp(join(tmpdir(), 'tributary-storage-contract-'));
    },
    tearDown: () => rm(root, { recursive: true, force: true }),
    async fresh(options) {
      const dir = join(root, randomBytes(6).toString('hex'), 'storage');
      const storage = new LocalDirStorage(dir, options);
      dirs.set(storage, dir);
      return storage;
    },
    again: (storage) => new LocalDirStorage(dirs.get(storage)!),
  };
};

const s3 = (): Adapter => {
  let minio: TestMinio;
  const buckets = new Map<Storage, string>();
  return {
    name: 'S3 (MinIO)',
    async setUp() {
      minio = await startTestMinio();
    },
    tearDown: () => minio.stop(),
    async fresh(options) {
      const bucket = `t-${randomBytes(6).toString('hex')}`;
      // a small listing page, so paging a log also pages its listing
      const storage = S3Storage.fromSettings(minio.settings(bucket), { ...options, listPageSize: 3 });
      await storage.identify(); // creates the bucket
      buckets.set(storage, bucket);
      return storage;
    },
    again: (storage) => S3Storage.fromSettings(minio.settings(buckets.get(storage)!)),
  };
};

describe.each([local(), s3()])('storage contract: $name', (adapter) => {
  beforeAll(() => adapter.setUp());
  afterAll(() => adapter.tearDown());

  it('pages through 2,500 appended lines in three pages of at most 1,000', async () => {
    const storage = await adapter.fresh();
    const log = await storage.openAppender(KEY);
    for (let n = 0; n < 2500; n++) log.write(entry(n));
    await log.close();

    const { pages, entries } = await readAll(storage, KEY, 1000);
    expect(pages.map((p) => p.entries.length)).toEqual([1000, 1000, 500]);
    expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
    expect(entries).toEqual(Array.from({ length: 2500 }, (_, n) => entry(n)));
  });

  it('reads a log written in many batches back in order, whatever the page size', async () => {
    // tiny batches: many appends to one file, many part objects in a bucket
    const storage = await adapter.fresh({ flushBytes: 300 });
    const log = await storage.openAppender(KEY);
    const messages = Array.from({ length: 120 }, (_, n) => `${n} ${['é', 'naïve café ☕', '日本語のログ', '🚀', 'x'.repeat(150)][n % 5]}`);
    for (const [n, message] of messages.entries()) log.write(entry(n, message));
    await log.close();
    for (const limit of [1, 2, 7, 1000]) {
      const { entries, pages } = await readAll(storage, KEY, limit);
      expect(entries.map((e) => e.message), `limit ${limit}`).toEqual(messages);
      expect(pages.at(-1)!.nextCursor).toBeNull();
      // the chain ends on the page that reaches the end, with no empty page after it
      expect(pages.filter((p) => p.entries.length === 0)).toEqual([]);
    }
  });

  it('ends the cursor chain on the page that reaches the end, with no empty page after it', async () => {
    const storage = await adapter.fresh();
    const log = await storage.openAppender(KEY);
    for (let n = 0; n < 2000; n++) log.write(entry(n));
    await log.close();
    const { pages } = await readAll(storage, KEY, 1000);
    expect(pages.map((p) => [p.entries.length, p.nextCursor === null])).toEqual([
      [1000, false],
      [1000, true],
    ]);
  });

  it('keeps each appender in order when two append to the same log at once', async () => {
    const storage = await adapter.fresh({ flushBytes: 4096, flushIntervalMs: 1 });
    const [a, b] = await Promise.all([storage.openAppender(KEY), storage.openAppender(KEY)]);
    for (let n = 0; n < 1500; n++) {
      a.write({ ...entry(n), origin: 'source', message: `a ${n}` });
      b.write({ ...entry(n), origin: 'destination', message: `b ${n} ${'x'.repeat(n % 97)}` });
      // let flushes from both interleave
      if (n % 250 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all([a.close(), b.close()]);

    const { entries } = await readAll(storage, KEY, 700);
    expect(entries).toHaveLength(3000);
    expect(entries.filter((e) => e.level !== 'info')).toEqual([]);
    const seq = (origin: string) => entries.filter((e) => e.origin === origin).map((e) => Number(e.message.split(' ')[1]));
    expect(seq('source')).toEqual(Array.from({ length: 1500 }, (_, n) => n));
    expect(seq('destination')).toEqual(Array.from({ length: 1500 }, (_, n) => n));
  });

  it('adds to what a previous appender wrote (a retried activity), as another process reads it', async () => {
    const storage = await adapter.fresh();
    const first = await storage.openAppender(KEY);
    first.write(entry(1));
    await first.close();
    const second = await adapter.again(storage).openAppender(KEY);
    second.write(entry(2));
    await second.close();
    expect((await adapter.again(storage).readPage(KEY, { limit: 10 })).entries).toEqual([entry(1), entry(2)]);
  });

  it('writes buffered lines out on its own, so a running attempt can be read before close', async () => {
    const storage = await adapter.fresh({ flushIntervalMs: 20 });
    const log = await storage.openAppender(KEY);
    log.write(entry(1));
    await expect.poll(async () => (await storage.readPage(KEY, { limit: 10 }).catch(() => ({ entries: [] }))).entries, { timeout: 5000 }).toEqual([entry(1)]);
    log.write(entry(2));
    await log.close();
    expect((await storage.readPage(KEY, { limit: 10 })).entries).toEqual([entry(1), entry(2)]);
  });

  it('ends a page at its byte budget, however many entries were asked for, and the next page goes on from there', async () => {
    const storage = await adapter.fresh();
    const log = await storage.openAppender(KEY);
    const big = 'x'.repeat(100_000);
    for (let n = 0; n < 30; n++) log.write(entry(n, `${n} ${big}`));
    await log.close();
    const first = await storage.readPage(KEY, { limit: 1000, maxBytes: 250_000 });
    // the entry that reaches the budget ends the page
    expect(first.entries.map((e) => e.message.split(' ')[0])).toEqual(['0', '1', '2']);
    const second = await storage.readPage(KEY, { cursor: first.nextCursor!, limit: 1000, maxBytes: 250_000 });
    expect(second.entries.map((e) => e.message.split(' ')[0])).toEqual(['3', '4', '5']);
    const { entries } = await readAll(storage, KEY, 1000);
    expect(entries).toHaveLength(30);
    // the default budget keeps a page of huge lines at about a mebibyte
    const page = await storage.readPage(KEY, { limit: 1000 });
    expect(page.entries.length).toBeLessThan(12);
    expect(page.nextCursor).not.toBeNull();
    // a single line larger than the budget still makes a page
    expect((await storage.readPage(KEY, { limit: 1000, maxBytes: 10 })).entries).toHaveLength(1);
  });

  it('says a log it does not hold is not there, rather than answering an empty page', async () => {
    const storage = await adapter.fresh();
    await expect(storage.readPage(KEY, { limit: 1000 })).rejects.toBeInstanceOf(LogNotFoundError);
    const log = await storage.openAppender(OTHER_KEY);
    log.write(entry(1));
    await log.close();
    await expect(storage.readPage(KEY, { limit: 1000 })).rejects.toBeInstanceOf(LogNotFoundError);
  });

  it('rejects cursors it did not hand out, including those of another log', async () => {
    const storage = await adapter.fresh({ flushBytes: 100 });
    for (const key of [KEY, OTHER_KEY]) {
      const log = await storage.openAppender(key);
      for (let n = 0; n < 5; n++) log.write(entry(n));
      await log.close();
    }
    const { nextCursor } = await storage.readPage(KEY, { limit: 2 });
    expect(nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const { nextCursor: otherCursor } = await storage.readPage(OTHER_KEY, { limit: 3 });
    const local = (offset: number) => Buffer.from(`o1:${offset}`).toString('base64url');
    const part = (name: string, offset: number) => Buffer.from(`p1:${name}:${offset}`).toString('base64url');
    for (const bad of [
      '',
      'garbage!',
      'bm90IGEgY3Vyc29y',
      local(-1),
      local(5),
      local(1_000_000),
      part('0001700000000000-000000000000-00000001.jsonl', 0),
      part('../../x', 0),
      `${nextCursor}=`,
      'x'.repeat(500),
    ]) {
      await expect(storage.readPage(KEY, { cursor: bad, limit: 2 }), bad).rejects.toBeInstanceOf(InvalidCursorError);
    }
    // S3 cursors name a part of their own log; a local offset may happen to fit another file, so only S3 must refuse it
    if (storage instanceof S3Storage) await expect(storage.readPage(KEY, { cursor: otherCursor!, limit: 2 })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(storage.readPage(KEY, { cursor: nextCursor!, limit: 2 })).resolves.toMatchObject({ entries: [entry(2), entry(3)] });
  });

  it('rejects a limit that is not a positive integer', async () => {
    const storage = await adapter.fresh();
    for (const limit of [0, -1, 1.5, Number.NaN]) await expect(storage.readPage(KEY, { limit })).rejects.toBeInstanceOf(RangeError);
  });

  it('refuses keys that could reach outside the storage', async () => {
    const storage = await adapter.fresh();
    for (const key of ['../outside.jsonl', 'logs/../../outside.jsonl', '/etc/passwd', 'logs//x', 'logs/./x', 'logs\\..\\x', 'logs/x\0y', '', 'logs/']) {
      await expect(storage.openAppender(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.readPage(key, { limit: 1 }), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.putBlob(key, 'x'), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.getBlob(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.remove(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
    }
  });

  it('drops and counts entries when storage falls behind by more than the buffer limit', async () => {
    const storage = await adapter.fresh({ maxBufferedBytes: 4096, flushBytes: 1 << 20, flushIntervalMs: 10_000 });
    const log = await storage.openAppender(KEY);
    for (let n = 0; n < 200; n++) log.write(entry(n, 'y'.repeat(100)));
    await log.close();
    const { entries } = await readAll(storage, KEY, 1000);
    const kept = entries.filter((e) => e.origin === 'source');
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(200);
    expect(entries.at(-1)).toMatchObject({
      level: 'warn',
      origin: 'platform',
      message: `${200 - kept.length} log lines dropped: the log storage could not keep up`,
    });
  });

  it('ignores writes after close and closes idempotently', async () => {
    const storage = await adapter.fresh();
    const log = await storage.openAppender(KEY);
    log.write(entry(1));
    const closing = log.close();
    log.write(entry(2));
    await Promise.all([closing, log.close()]);
    expect((await storage.readPage(KEY, { limit: 10 })).entries).toEqual([entry(1)]);
  });

  it('stores, replaces and returns blobs, and answers null for one it does not hold', async () => {
    const storage = await adapter.fresh();
    expect(await storage.getBlob('catalogs/c1.json')).toBeNull();
    const large = Buffer.from(JSON.stringify({ streams: Array.from({ length: 2000 }, (_, n) => ({ name: `s${n}`, é: '☕' })) }));
    await storage.putBlob('catalogs/c1.json', large);
    expect(await adapter.again(storage).getBlob('catalogs/c1.json')).toEqual(large);
    await storage.putBlob('catalogs/c1.json', '{}');
    expect((await storage.getBlob('catalogs/c1.json'))?.toString()).toBe('{}');
  });

  it('removes a log with everything under it and leaves its neighbours', async () => {
    const storage = await adapter.fresh({ flushBytes: 50 });
    const jobLogs = (job: string, attempt: number) => attemptLogKey({ connectionId: 'c1', jobId: job, attemptNumber: attempt });
    for (const key of [jobLogs('1', 1), jobLogs('1', 2), jobLogs('2', 1)]) {
      const log = await storage.openAppender(key);
      for (let n = 0; n < 20; n++) log.write(entry(n));
      await log.close();
    }
    await storage.remove(jobLogs('1', 2));
    await expect(storage.readPage(jobLogs('1', 2), { limit: 10 })).rejects.toBeInstanceOf(LogNotFoundError);
    expect((await readAll(storage, jobLogs('1', 1), 100)).entries).toHaveLength(20);
    // a whole job's logs at once
    await storage.remove('logs/c1/1');
    await expect(storage.readPage(jobLogs('1', 1), { limit: 10 })).rejects.toBeInstanceOf(LogNotFoundError);
    expect((await readAll(storage, jobLogs('2', 1), 100)).entries).toHaveLength(20);
    // nothing there is fine
    await storage.remove('logs/nothing-here');
  });

  it('names itself with one id that every process on the same storage sees, and another storage has another', async () => {
    const storage = await adapter.fresh();
    const ids = await Promise.all(Array.from({ length: 5 }, () => adapter.again(storage).identify()));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(await storage.identify()).toBe(ids[0]);
    expect(await (await adapter.fresh()).identify()).not.toBe(ids[0]);
    expect(storage.location).toMatch(adapter.name === 'local directory' ? /^local directory \// : /^S3 bucket t-[0-9a-f]+ at http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('openStorage', () => {
  let minio: TestMinio;
  beforeAll(async () => {
    minio = await startTestMinio();
  });
  afterAll(() => minio.stop());

  it('opens the local directory or the S3 bucket the settings name, creating the bucket if missing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tributary-open-storage-'));
    try {
      const localStorage = await openStorage({ kind: 'local', dir: join(root, 'storage') });
      expect(localStorage).toBeInstanceOf(LocalDirStorage);
      expect(localStorage.location).toBe(`local directory ${join(root, 'storage')}`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    const s3Storage = await openStorage(minio.settings('made-by-tributary'));
    await s3Storage.identify();
    await s3Storage.putBlob('x/y.json', '{"a":1}');
    expect((await S3Storage.fromSettings(minio.settings('made-by-tributary')).getBlob('x/y.json'))?.toString()).toBe('{"a":1}');
  });

  it('names the storage and the S3 error when the credentials are wrong', async () => {
    const storage = await openStorage({ ...minio.settings('any-bucket'), secretAccessKey: 'wrong-secret-key' });
    await expect(storage.identify()).rejects.toThrow(/^S3 bucket any-bucket at http:\/\/127\.0\.0\.1:\d+: .*credentials/);
  });
});
