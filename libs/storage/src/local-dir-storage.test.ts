import type { LogEntry } from '@tributary/domain';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDirStorage } from './local-dir-storage.js';
import type { LogPage, LogStorage } from './log-storage.js';
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

/** What only the local directory does; the behaviour both adapters share is in storage-contract.test.ts. */
describe('LocalDirStorage', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tributary-storage-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

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
});
