/**
 * Session tokens: `trs_` + 32 random bytes. The `trs_` prefix tells the auth guard a
 * session from an API token (`trb_`); like API tokens, only their SHA-256 is stored.
 */
import { randomBytes } from 'node:crypto';
import { hashApiToken } from '@tributary/db';

export const SESSION_TOKEN_PREFIX = 'trs_';

export const isSessionToken = (token: string): boolean => token.startsWith(SESSION_TOKEN_PREFIX);

export function newSessionToken(): { token: string; tokenHash: string } {
  const token = `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashSessionToken(token) };
}

/** the same fast hash as API tokens: both are random, not passwords */
export const hashSessionToken = (token: string): string => hashApiToken(token);
