/**
 * API tokens: `trb_` + 32 random bytes (base64url). Only the SHA-256 of a token is
 * stored; a fast hash is right here because tokens are random, not passwords.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_TOKEN_PREFIX = 'trb_';
/** how much of a token is kept in clear, to tell tokens apart in lists */
const DISPLAY_PREFIX_LENGTH = 12;

export interface NewApiToken {
  token: string;
  tokenHash: string;
  prefix: string;
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token, or the given one (an operator-chosen first admin token). */
export function newApiToken(token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`): NewApiToken {
  return { token, tokenHash: hashApiToken(token), prefix: token.slice(0, DISPLAY_PREFIX_LENGTH) };
}

export function tokenMatchesHash(token: string, tokenHash: string): boolean {
  const a = Buffer.from(hashApiToken(token), 'hex');
  const b = Buffer.from(tokenHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
