import { describe, expect, it } from 'vitest';
import { resolveInside } from './local-directory-storage.js';
import { safeSegment, streamFilePath } from './paths.js';

describe('safeSegment', () => {
  it('keeps ordinary names as they are', () => {
    expect(safeSegment('users')).toBe('users');
    expect(safeSegment('user_events-v2.1')).toBe('user_events-v2.1');
    expect(safeSegment('Bestellungen_ÄÖÜ')).toBe('Bestellungen_ÄÖÜ');
  });

  it.each(['../../etc/x', '..', '.', '', '/abs', 'a/b', 'a\\b', 'nul\u0000byte', '.hidden', 'x'.repeat(300)])(
    'turns %j into one safe segment',
    (name) => {
      const segment = safeSegment(name);
      expect(segment).toMatch(/^[^./\\][^/\\\u0000]*$/);
      expect(segment.length).toBeLessThanOrEqual(120);
      expect(segment).not.toBe(name);
    },
  );

  it('keeps names that sanitise alike apart', () => {
    expect(safeSegment('a/b')).not.toBe(safeSegment('a_b'));
    expect(safeSegment('a/b')).not.toBe(safeSegment('a\\b'));
  });

  it('puts a namespace in its own directory', () => {
    expect(streamFilePath('users', 'shop')).toEqual(['shop', 'users.jsonl']);
    expect(streamFilePath('users')).toEqual(['users.jsonl']);
  });
});

describe('resolveInside', () => {
  it('refuses paths that leave the root', () => {
    expect(resolveInside('/data/out', ['shop', 'users.jsonl'])).toBe('/data/out/shop/users.jsonl');
    expect(() => resolveInside('/data/out', ['..', 'x'])).toThrow(/outside/);
    expect(() => resolveInside('/data/out', ['/etc/passwd'])).toThrow(/outside/);
    expect(() => resolveInside('/data/out', ['.'])).toThrow(/outside/);
  });
});
