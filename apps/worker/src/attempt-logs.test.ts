import { SECRET_MASK } from '@tributary/domain';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attemptLogKey, LocalDirStorage } from '@tributary/storage';
import { storageAttemptLogs } from './attempt-logs.js';

const ref = { connectionId: '0b7e3a4e-5f7c-4d2e-8a1b-3c9d2e1f0a55', jobId: '7', attemptNumber: 2 };

describe('storageAttemptLogs', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tributary-attempt-logs-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("writes the attempt's entries under its key, readable page by page", async () => {
    const storage = new LocalDirStorage(root);
    const log = await storageAttemptLogs(storage)(ref);
    log.write({ timestamp: 1, level: 'info', origin: 'platform', message: 'attempt 2 of job 7 started' });
    log.write({ timestamp: 2, level: 'warn', origin: 'source', message: 'rate limited' });
    await log.close();

    const page = await storage.readPage(attemptLogKey(ref), { limit: 10 });
    expect(page).toEqual({
      entries: [
        { timestamp: 1, level: 'info', origin: 'platform', message: 'attempt 2 of job 7 started' },
        { timestamp: 2, level: 'warn', origin: 'source', message: 'rate limited' },
      ],
      nextCursor: null,
    });
  });

  it('never writes a secret of the connection, in any spelling', async () => {
    const storage = new LocalDirStorage(root);
    const password = 'correct-horse"battery';
    const apiKey = 'sk_live_0123456789';
    const log = await storageAttemptLogs(storage)(ref, { secretValues: [password, apiKey, 'ab'] });
    log.write({ timestamp: 1, level: 'error', origin: 'source', message: `auth failed for key ${apiKey} (tried ${apiKey} twice)` });
    log.write({ timestamp: 2, level: 'debug', origin: 'destination', message: `config ${JSON.stringify({ password, port: 5432 })}` });
    log.write({ timestamp: 3, level: 'info', origin: 'platform', message: 'ab stays: too short to be a secret' });
    await log.close();

    const raw = await readFile(storage.pathOf(attemptLogKey(ref)), 'utf8');
    for (const spelling of [password, JSON.stringify(password).slice(1, -1), apiKey]) expect(raw).not.toContain(spelling);
    const { entries } = await storage.readPage(attemptLogKey(ref), { limit: 10 });
    expect(entries.map((e) => e.message)).toEqual([
      `auth failed for key ${SECRET_MASK} (tried ${SECRET_MASK} twice)`,
      `config {"password":"${SECRET_MASK}","port":5432}`,
      'ab stays: too short to be a secret',
    ]);
  });

  it('refuses an attempt whose ids would put the log outside the storage', async () => {
    const logs = storageAttemptLogs(new LocalDirStorage(root));
    await expect(logs({ ...ref, connectionId: '../../elsewhere' })).rejects.toThrow(/invalid storage key/);
  });
});
