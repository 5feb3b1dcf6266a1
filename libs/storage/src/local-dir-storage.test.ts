import type { LogEntry } from '@tributary/domain';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDirStorage } from './local-dir-storage.js';
import { InvalidCursorError, InvalidStorageKeyError, type LogPage, type LogStorage } from './log-storage.js';
import { attemptLogKey } from './storage-keys.js';

const KEY = attemptLogKey({ connectionId: '6f1c3a52-3d4b-4c1e-9a51-0d2b7f1e2a10', jobId: '42', attemptNumber: 1 });

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
  } while (cursor !== undefined && pages.length < 1000);
  return { pages, entries: pages.flatMap((p) => p.entries) };
}

describe('LocalDirStorage', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tributary-storage-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('pages through 2,500 appended lines in three pages of at most 1,000', async () => {
    const storage = new LocalDirStorage(join(root, 'storage'));
    const log = await storage.openAppender(KEY);
    for (let n = 0; n < 2500; n++) log.write(entry(n));
    await log.close();

    const { pages, entries } = await readAll(storage, KEY, 1000);
    expect(pages.map((p) => p.entries.length)).toEqual([1000, 1000, 500]);
    expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
    expect(entries).toEqual(Array.from({ length: 2500 }, (_, n) => entry(n)));
  });

  it('ends the cursor chain on the page that reaches the end, with no empty page after it', async () => {
    const storage = new LocalDirStorage(root);
    const log = await storage.openAppender(KEY);
    for (let n = 0; n < 2000; n++) log.write(entry(n));
    await log.close();
    const { pages } = await readAll(storage, KEY, 1000);
    expect(pages.map((p) => [p.entries.length, p.nextCursor === null])).toEqual([
      [1000, false],
      [1000, true],
    ]);
  });

  it('keeps the file private: 0700 directories, 0600 files', async () => {
    const storage = new LocalDirStorage(join(root, 'storage'));
    const log = await storage.openAppender(KEY);
    log.write(entry(1));
    await log.close();
    const file = storage.pathOf(KEY);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(file))).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, 'storage'))).mode & 0o777).toBe(0o700);
    expect(file).toBe(join(root, 'storage', 'logs', '6f1c3a52-3d4b-4c1e-9a51-0d2b7f1e2a10', '42', 'attempt-1.jsonl'));
  });

  it('keeps each appender in order when two append to the same log at once', async () => {
    const storage = new LocalDirStorage(root, { flushBytes: 512, flushIntervalMs: 1 });
    const [a, b] = await Promise.all([storage.openAppender(KEY), storage.openAppender(KEY)]);
    for (let n = 0; n < 3000; n++) {
      a.write({ ...entry(n), origin: 'source', message: `a ${n}` });
      b.write({ ...entry(n), origin: 'destination', message: `b ${n} ${'x'.repeat(n % 97)}` });
      // let flushes from both interleave on the file
      if (n % 250 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all([a.close(), b.close()]);

    const { entries } = await readAll(storage, KEY, 700);
    expect(entries).toHaveLength(6000);
    expect(entries.filter((e) => e.level !== 'info')).toEqual([]);
    const seq = (origin: string) => entries.filter((e) => e.origin === origin).map((e) => Number(e.message.split(' ')[1]));
    expect(seq('source')).toEqual(Array.from({ length: 3000 }, (_, n) => n));
    expect(seq('destination')).toEqual(Array.from({ length: 3000 }, (_, n) => n));
  });

  it('appends to what a previous attempt of the activity wrote', async () => {
    const storage = new LocalDirStorage(root);
    const first = await storage.openAppender(KEY);
    first.write(entry(1));
    await first.close();
    const second = await storage.openAppender(KEY);
    second.write(entry(2));
    await second.close();
    expect((await storage.readPage(KEY, { limit: 10 })).entries).toEqual([entry(1), entry(2)]);
  });

  it('writes buffered lines out on its own, so a running attempt can be read before close', async () => {
    const storage = new LocalDirStorage(root, { flushIntervalMs: 20 });
    const log = await storage.openAppender(KEY);
    log.write(entry(1));
    await expect.poll(async () => (await storage.readPage(KEY, { limit: 10 })).entries, { timeout: 2000 }).toEqual([entry(1)]);
    await log.close();
  });

  it('reads lines split across read-buffer boundaries, multi-byte characters included', async () => {
    const storage = new LocalDirStorage(root, { readChunkBytes: 7 });
    const messages = ['é', 'naïve café ☕ '.repeat(5), '', 'x'.repeat(300), '日本語のログ', '🚀🚀🚀'];
    const log = await storage.openAppender(KEY);
    messages.forEach((m, n) => log.write(entry(n, m)));
    await log.close();
    for (const limit of [1, 2, 5, 100]) {
      const { entries } = await readAll(storage, KEY, limit);
      expect(entries.map((e) => e.message)).toEqual(messages);
    }
  });

  it('resumes at the cursor without rereading earlier lines', async () => {
    const storage = new LocalDirStorage(root);
    const log = await storage.openAppender(KEY);
    for (let n = 0; n < 10; n++) log.write(entry(n));
    await log.close();
    const first = await storage.readPage(KEY, { limit: 4 });
    // garble everything before the cursor: a reader that rescans from the top would now see warnings
    const file = storage.pathOf(KEY);
    const text = await readFile(file, 'utf8');
    const firstFour = text.split('\n').slice(0, 4).join('\n').length;
    await writeFile(file, '#'.repeat(firstFour) + text.slice(firstFour));
    const second = await storage.readPage(KEY, { cursor: first.nextCursor!, limit: 4 });
    expect(second.entries).toEqual([4, 5, 6, 7].map((n) => entry(n)));
  });

  it('answers an empty last page for a log nobody has written', async () => {
    const storage = new LocalDirStorage(join(root, 'never-created'));
    await expect(storage.readPage(KEY, { limit: 1000 })).resolves.toEqual({ entries: [], nextCursor: null });
  });

  it('rejects cursors it did not hand out', async () => {
    const storage = new LocalDirStorage(root);
    const log = await storage.openAppender(KEY);
    for (let n = 0; n < 5; n++) log.write(entry(n));
    await log.close();
    const { nextCursor } = await storage.readPage(KEY, { limit: 2 });
    expect(nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);

    const offsetCursor = (offset: number) => Buffer.from(`o1:${offset}`).toString('base64url');
    for (const bad of [
      '',
      'garbage!',
      'bm90IGEgY3Vyc29y',
      offsetCursor(-1),
      `${nextCursor}=`,
      'x'.repeat(500),
      offsetCursor(5),
      offsetCursor(1_000_000),
    ]) {
      await expect(storage.readPage(KEY, { cursor: bad, limit: 2 }), bad).rejects.toBeInstanceOf(InvalidCursorError);
    }
    await expect(storage.readPage(KEY, { cursor: nextCursor!, limit: 2 })).resolves.toMatchObject({ entries: [entry(2), entry(3)] });
  });

  it('rejects a limit that is not a positive integer', async () => {
    const storage = new LocalDirStorage(root);
    for (const limit of [0, -1, 1.5, Number.NaN]) await expect(storage.readPage(KEY, { limit })).rejects.toBeInstanceOf(RangeError);
  });

  it('refuses keys that could reach outside the root', async () => {
    const storage = new LocalDirStorage(join(root, 'storage'));
    for (const key of [
      '../outside.jsonl',
      'logs/../../outside.jsonl',
      '/etc/passwd',
      'logs//x',
      'logs/./x',
      'logs\\..\\x',
      'logs/x\0y',
      '',
      'logs/',
    ]) {
      await expect(storage.openAppender(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.readPage(key, { limit: 1 }), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
    }
  });

  it('shows a torn last line and unreadable lines as platform warnings instead of failing the page', async () => {
    const storage = new LocalDirStorage(root);
    const file = storage.pathOf(KEY);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(entry(1))}\nnot json\n`);
    await appendFile(file, '{"timestamp":17000');
    const page = await storage.readPage(KEY, { limit: 10 });
    expect(page.nextCursor).toBeNull();
    expect(page.entries[0]).toEqual(entry(1));
    expect(page.entries.slice(1)).toMatchObject([
      { level: 'warn', origin: 'platform', message: 'unreadable log line: not json' },
      { level: 'warn', origin: 'platform', message: 'unreadable log line: {"timestamp":17000' },
    ]);
  });

  it('drops and counts entries when the disk falls behind by more than the buffer limit', async () => {
    const storage = new LocalDirStorage(root, { maxBufferedBytes: 4096, flushBytes: 1 << 20, flushIntervalMs: 10_000 });
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
    const storage = new LocalDirStorage(root);
    const log = await storage.openAppender(KEY);
    log.write(entry(1));
    const closing = log.close();
    log.write(entry(2));
    await Promise.all([closing, log.close()]);
    expect((await storage.readPage(KEY, { limit: 10 })).entries).toEqual([entry(1)]);
  });
});
