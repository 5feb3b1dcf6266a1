/**
 * AES-256-GCM for secret config values. The stored form is an envelope object, which
 * no valid config can contain in a secret (string) field, so stored data is
 * unambiguous: `{ "_tributary_secret": "v2.<iv>.<tag>.<ciphertext>" }` (base64url parts).
 *
 * v2 binds each ciphertext to a context (GCM additional authenticated data): for a stored
 * secret its actor and field path, so a value copied to another actor or field does not
 * decrypt. v1 (no context) is what earlier versions stored: it still decrypts, and is
 * rewritten as v2 the next time its config is saved. Tags are 16 bytes, always.
 */
import { DomainError, ErrorCode } from '@tributary/domain';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const ENVELOPE_KEY = '_tributary_secret';
export interface SecretEnvelope {
  [ENVELOPE_KEY]: string;
}

const ALGORITHM = 'aes-256-gcm';
const AUTH_TAG_LENGTH = 16;
/** A config that is not stored travels sealed under this context (see sealJson). */
const SEALED_CONTEXT = 'sealed-connector-config';

export function isSecretEnvelope(value: unknown): value is SecretEnvelope {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[ENVELOPE_KEY] === 'string';
}

/** Encrypts any JSON value (secrets are usually strings) with a fresh random IV, bound to `context`. */
export function encryptValue(key: Buffer, value: unknown, context: string): SecretEnvelope {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: AUTH_TAG_LENGTH });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
  return { [ENVELOPE_KEY]: `v2.${parts.join('.')}` };
}

/** Decrypts an envelope made for `context` (ignored by legacy v1 envelopes, which have none). */
export function decryptValue(key: Buffer, envelope: SecretEnvelope, context: string): unknown {
  const [version, iv, tag, ciphertext] = envelope[ENVELOPE_KEY].split('.');
  if ((version !== 'v1' && version !== 'v2') || !iv || !tag || ciphertext === undefined) {
    throw new DomainError(ErrorCode.SecretDecryptionFailed, 'stored secret has an unknown format');
  }
  const authTag = Buffer.from(tag, 'base64url');
  try {
    // a shorter tag would be accepted by GCM and forgeable: refuse it
    if (authTag.length !== AUTH_TAG_LENGTH) throw new Error('truncated tag');
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'), { authTagLength: AUTH_TAG_LENGTH });
    if (version === 'v2') decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(authTag);
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as unknown;
  } catch {
    // never echo the value
    throw new DomainError(
      ErrorCode.SecretDecryptionFailed,
      `a stored secret (${context}) could not be decrypted: it was encrypted for another source, destination or field (copied in the database?), or TRIBUTARY_SECRET_KEY changed`,
    );
  }
}

/** A JSON value as one opaque string (e.g. a connector config travelling through Temporal history). */
export function sealJson(key: Buffer, value: unknown): string {
  return encryptValue(key, value, SEALED_CONTEXT)[ENVELOPE_KEY];
}

export function unsealJson(key: Buffer, sealed: string): unknown {
  return decryptValue(key, { [ENVELOPE_KEY]: sealed }, SEALED_CONTEXT);
}
