import { describe, expect, it } from 'vitest';
import { InvalidStorageKeyError } from './log-storage.js';
import { attemptLogKey, storageKeySegments } from './storage-keys.js';

describe('attemptLogKey', () => {
  it('names the log by connection, job and attempt', () => {
    expect(attemptLogKey({ connectionId: '6f1c3a52-3d4b-4c1e-9a51-0d2b7f1e2a10', jobId: '42', attemptNumber: 3 })).toBe(
      'logs/6f1c3a52-3d4b-4c1e-9a51-0d2b7f1e2a10/42/attempt-3.jsonl',
    );
  });

  it('refuses ids that would move the log elsewhere', () => {
    const ok = { connectionId: 'c1', jobId: '1', attemptNumber: 1 };
    for (const ref of [
      { ...ok, connectionId: '..' },
      { ...ok, connectionId: '../../etc' },
      { ...ok, jobId: '1/../2' },
      { ...ok, jobId: '' },
      { ...ok, connectionId: 'a\\b' },
      { ...ok, attemptNumber: -1 },
      { ...ok, attemptNumber: 1.5 },
    ]) {
      expect(() => attemptLogKey(ref), JSON.stringify(ref)).toThrow(InvalidStorageKeyError);
    }
  });
});

describe('storageKeySegments', () => {
  it('splits a relative key into plain segments', () => {
    expect(storageKeySegments('logs/a/b-1_2.jsonl')).toEqual(['logs', 'a', 'b-1_2.jsonl']);
  });

  it('rejects absolute, dotted, empty and odd-character segments', () => {
    for (const key of ['/abs', 'a/../b', './a', 'a/.', 'a//b', 'a/', '.hidden', 'a b', 'a\nb', 'x'.repeat(2000)]) {
      expect(() => storageKeySegments(key), key).toThrow(InvalidStorageKeyError);
    }
  });
});
