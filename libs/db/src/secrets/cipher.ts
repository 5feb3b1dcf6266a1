/**
 * AES-256-GCM for secret config values. The stored form is an envelope object, which
 * no valid config can contain in a secret (string) field, so stored data is
 * unambiguous: `{ "_tributary_secret": "v1.<iv>.<tag>.<ciphertext>" }` (base64url parts).
 */
import { DomainError, ErrorCode } from '@tributary/domain';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const ENVELOPE_KEY = '_tributary_secret';
export interface SecretEnvelope {
  [ENVELOPE_KEY]: string;
}

export function isSecretEnvelope(value: unknown): value is SecretEnvelope {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[ENVELOPE_KEY] === 'string';
}

/** Encrypts any JSON value (secrets are usually strings) with a fresh random IV. */
export function encryptValue(key: Buffer, value: unknown): SecretEnvelope {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
  return { [ENVELOPE_KEY]: `v1.${parts.join('.')}` };
}

export function decryptValue(key: Buffer, envelope: SecretEnvelope): unknown {
  const [version, iv, tag, ciphertext] = envelope[ENVELOPE_KEY].split('.');
  if (version !== 'v1' || !iv || !tag || ciphertext === undefined) {
    throw new DomainError(ErrorCode.SecretDecryptionFailed, 'stored secret has an unknown format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as unknown;
  } catch {
    // wrong key (TRIBUTARY_SECRET_KEY changed) or tampered data; never echo the value
    throw new DomainError(ErrorCode.SecretDecryptionFailed, 'a stored secret could not be decrypted: was TRIBUTARY_SECRET_KEY changed?');
  }
}

/** A JSON value as one opaque string (e.g. a connector config travelling through Temporal history). */
export function sealJson(key: Buffer, value: unknown): string {
  return encryptValue(key, value)[ENVELOPE_KEY];
}

export function unsealJson(key: Buffer, sealed: string): unknown {
  return decryptValue(key, { [ENVELOPE_KEY]: sealed });
}
