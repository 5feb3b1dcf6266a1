// Each stored ciphertext is bound to its actor and field (AES-GCM additional data, 16-byte tags):
// copied to another actor or field in the database, it fails to decrypt with a clear error
// instead of handing one connector another's secret. Secrets stored by earlier versions (v1,
// unbound) still decrypt.
import { DomainError, ErrorCode } from '@tributary/domain';
import { createCipheriv, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase, seedConnection, type MigratedDatabase } from '@tributary/testing/db';
import { PostgresJobPersistence } from '../job-persistence/postgres-job-persistence.js';
import { ENVELOPE_KEY, decryptValue, encryptValue, type SecretEnvelope } from './cipher.js';
import { decryptConfig, encryptConfig, secretContext } from './config-secrets.js';

const key = randomBytes(32);
const spec = {
  type: 'object',
  properties: {
    user: { type: 'string' },
    password: { type: 'string', airbyte_secret: true },
    token: { type: 'string', airbyte_secret: true },
  },
};
const ACTOR_A = '0b9e3c6a-1111-4000-8000-00000000000a';
const ACTOR_B = '0b9e3c6a-2222-4000-8000-00000000000b';

function decryptionError(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('decrypted, but should not have');
}

/** An envelope as versions before the binding wrote it: no additional data. */
function legacyEnvelope(value: unknown): SecretEnvelope {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { [ENVELOPE_KEY]: `v1.${[iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url')).join('.')}` };
}

describe('secrets bound to their actor and field', () => {
  it('refuses a ciphertext moved to another field of the same config, naming the field', () => {
    const stored = encryptConfig(key, ACTOR_A, spec, { user: 'u', password: 'pw-a', token: 'tok-a' });
    const swapped = { ...stored, password: stored.token, token: stored.password };
    const error = decryptionError(() => decryptConfig(key, ACTOR_A, swapped));
    expect(error.code).toBe(ErrorCode.SecretDecryptionFailed);
    expect(error.message).toContain('/password');
    expect(error.message).toContain('another source, destination or field');
    expect(error.message).not.toContain('tok-a');
  });

  it('refuses a ciphertext of another actor', () => {
    const fromB = encryptConfig(key, ACTOR_B, spec, { password: 'pw-b' });
    const error = decryptionError(() => decryptConfig(key, ACTOR_A, { user: 'u', password: fromB.password }));
    expect(error.code).toBe(ErrorCode.SecretDecryptionFailed);
    expect(error.message).toContain(ACTOR_A);
  });

  it('still decrypts secrets stored before the binding (v1), and writes new ones as v2', () => {
    expect(decryptConfig(key, ACTOR_A, { user: 'u', password: legacyEnvelope('old-pw') })).toEqual({ user: 'u', password: 'old-pw' });
    const stored = encryptConfig(key, ACTOR_A, spec, { password: 'new-pw' });
    expect((stored.password as SecretEnvelope)[ENVELOPE_KEY]).toMatch(/^v2\./);
  });

  it('refuses a truncated authentication tag', () => {
    const context = secretContext(ACTOR_A, '/password');
    const [version, iv, tag, ciphertext] = encryptValue(key, 'pw', context)[ENVELOPE_KEY].split('.');
    const short = Buffer.from(tag!, 'base64url').subarray(0, 12).toString('base64url');
    expect(decryptValue(key, { [ENVELOPE_KEY]: [version, iv, tag, ciphertext].join('.') }, context)).toBe('pw');
    const error = decryptionError(() => decryptValue(key, { [ENVELOPE_KEY]: [version, iv, short, ciphertext].join('.') }, context));
    expect(error.code).toBe(ErrorCode.SecretDecryptionFailed);
  });

  describe('in the database', () => {
    let db: MigratedDatabase;
    beforeAll(async () => {
      db = await createMigratedDatabase('secret-binding');
    });
    afterAll(() => db?.close());

    it("a secret copied from one actor's row to another's fails the worker's load with a clear error", async () => {
      const withSpec = (password: string) => ({
        runtime: { kind: 'builtin' as const, name: 'source-sample' },
        spec: { connectionSpecification: spec },
        config: { user: 'u', password },
      });
      const { sourceId, destinationId } = await seedConnection(db.dataSource, key, {
        source: withSpec('source-password'),
        destination: withSpec('destination-password'),
        catalog: { streams: [] },
      });
      const persistence = new PostgresJobPersistence(db.dataSource, key);
      expect((await persistence.loadConnectorConfig(sourceId)).config).toMatchObject({ password: 'source-password' });

      await db.dataSource.query(
        `UPDATE actor SET configuration = jsonb_set(configuration, '{password}', (SELECT configuration->'password' FROM actor WHERE id = $2)) WHERE id = $1`,
        [sourceId, destinationId],
      );
      await expect(persistence.loadConnectorConfig(sourceId)).rejects.toMatchObject({
        code: ErrorCode.SecretDecryptionFailed,
        message: expect.stringContaining(`actor ${sourceId} field /password`),
      });
      // the row the secret was copied from still works
      expect((await persistence.loadConnectorConfig(destinationId)).config).toMatchObject({ password: 'destination-password' });
    });
  });
});
