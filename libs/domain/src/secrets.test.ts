import { describe, expect, it } from 'vitest';
import { collectSecretStrings, maskSecrets, SECRET_MASK } from './secrets.js';

describe('maskSecrets', () => {
  it('masks every occurrence of every secret', () => {
    const mask = maskSecrets(['hunter22', 's3cr3t-token']);
    expect(mask('login with hunter22 failed; retrying with hunter22 and s3cr3t-token')).toBe(
      `login with ${SECRET_MASK} failed; retrying with ${SECRET_MASK} and ${SECRET_MASK}`,
    );
  });

  it('masks the longer secret whole when one secret contains another', () => {
    const mask = maskSecrets(['abcd', 'abcdefgh']);
    expect(mask('key=abcdefgh other=abcd')).toBe(`key=${SECRET_MASK} other=${SECRET_MASK}`);
    expect(maskSecrets(['abcdefgh', 'abcd'])('abcdefgh')).toBe(SECRET_MASK);
  });

  it('ignores empty and very short values that would mask ordinary text', () => {
    const mask = maskSecrets(['', 'a', 'abc', 'true']);
    expect(mask('a abc bc true')).toBe(`a abc bc ${SECRET_MASK}`);
  });

  it('treats regular-expression characters in secrets literally', () => {
    const mask = maskSecrets(['p4$$.w*rd(1)?', '[x]{2}^']);
    expect(mask('pw=p4$$.w*rd(1)? also p4$$xw*rd1 and [x]{2}^')).toBe(`pw=${SECRET_MASK} also p4$$xw*rd1 and ${SECRET_MASK}`);
  });

  it('masks the JSON-escaped and URL-encoded spellings of a secret', () => {
    const secret = 'pa"ss\\word/ü@1';
    const mask = maskSecrets([secret]);
    const asJson = JSON.stringify({ password: secret });
    expect(mask(`config: ${asJson}`)).toBe(`config: {"password":"${SECRET_MASK}"}`);
    expect(mask(`postgres://me:${encodeURIComponent(secret)}@db:5432/x`)).toBe(`postgres://me:${SECRET_MASK}@db:5432/x`);
    expect(mask(`raw ${secret}`)).toBe(`raw ${SECRET_MASK}`);
  });

  it('leaves text alone when there are no secrets', () => {
    expect(maskSecrets([])('nothing to hide')).toBe('nothing to hide');
  });
});

describe('collectSecretStrings', () => {
  it('collects every non-empty string of nested objects and arrays', () => {
    const found = collectSecretStrings({ client_id: 'id-1', tokens: ['a', '', { refresh: 'r-2' }], port: 5432, on: true, none: null }, new Set());
    expect([...found].sort()).toEqual(['a', 'id-1', 'r-2']);
  });

  it('adds to what was collected before', () => {
    const into = new Set(['kept']);
    collectSecretStrings('new', into);
    expect([...into]).toEqual(['kept', 'new']);
  });
});
