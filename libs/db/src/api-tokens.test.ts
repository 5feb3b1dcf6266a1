import { describe, expect, it } from 'vitest';
import { API_TOKEN_PREFIX, hashApiToken, newApiToken, tokenMatchesHash } from './api-tokens.js';

describe('api tokens', () => {
  it('are random, prefixed, and stored only as a hash', () => {
    const a = newApiToken();
    const b = newApiToken();
    expect(a.token).not.toBe(b.token);
    expect(a.token.startsWith(API_TOKEN_PREFIX)).toBe(true);
    expect(a.tokenHash).toBe(hashApiToken(a.token));
    expect(a.tokenHash).not.toContain(a.token.slice(API_TOKEN_PREFIX.length));
    expect(a.token.startsWith(a.prefix)).toBe(true);
  });

  it('match only their own hash', () => {
    const a = newApiToken();
    expect(tokenMatchesHash(a.token, a.tokenHash)).toBe(true);
    expect(tokenMatchesHash(`${a.token}x`, a.tokenHash)).toBe(false);
  });
});
