import { DomainError, ErrorCode, SECRET_MASK } from '@tributary/domain';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptConfig, encryptConfig, maskConfig, mergeMaskedSecrets } from './config-secrets.js';
import { ENVELOPE_KEY } from './cipher.js';

const key = randomBytes(32);
const ACTOR = '3f2b8c1e-0000-4000-8000-000000000001';

// the shape of real Airbyte specs: a top-level secret, a oneOf of auth methods, an array of objects
const spec = {
  type: 'object',
  properties: {
    host: { type: 'string' },
    password: { type: 'string', airbyte_secret: true },
    credentials: {
      type: 'object',
      oneOf: [
        { title: 'OAuth', properties: { auth_type: { const: 'oauth' }, client_id: { type: 'string' }, client_secret: { type: 'string', airbyte_secret: true } } },
        { title: 'Key', properties: { auth_type: { const: 'key' }, api_key: { type: 'string', airbyte_secret: true } } },
      ],
    },
    tunnels: { type: 'array', items: { type: 'object', properties: { user: { type: 'string' }, ssh_key: { type: 'string', airbyte_secret: true } } } },
  },
};

const config = {
  host: 'db.example',
  password: 'hunter2',
  credentials: { auth_type: 'oauth', client_id: 'id-1', client_secret: 'oauth-secret' },
  tunnels: [{ user: 'u', ssh_key: 'ssh-secret' }],
};

describe('connector config secrets', () => {
  it('encrypts every airbyte_secret field, including inside oneOf branches and arrays', () => {
    const stored = encryptConfig(key, ACTOR, spec, config);
    const text = JSON.stringify(stored);
    for (const secret of ['hunter2', 'oauth-secret', 'ssh-secret']) expect(text).not.toContain(secret);
    expect(stored).toMatchObject({ host: 'db.example', credentials: { client_id: 'id-1' }, tunnels: [{ user: 'u' }] });
    expect(stored.password).toHaveProperty(ENVELOPE_KEY);
  });

  it('decrypts back to the original config, and encrypting twice does not double-encrypt', () => {
    const stored = encryptConfig(key, ACTOR, spec, encryptConfig(key, ACTOR, spec, config));
    expect(decryptConfig(key, ACTOR, stored)).toEqual(config);
  });

  it('uses a fresh IV each time, so equal secrets do not look equal at rest', () => {
    expect(JSON.stringify(encryptConfig(key, ACTOR, spec, config).password)).not.toBe(JSON.stringify(encryptConfig(key, ACTOR, spec, config).password));
  });

  it('fails with a typed error, not the value, under the wrong key', () => {
    const stored = encryptConfig(key, ACTOR, spec, config);
    const error = (() => {
      try {
        decryptConfig(randomBytes(32), ACTOR, stored);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.SecretDecryptionFailed);
  });

  it('masks secrets in both the stored and the plain form', () => {
    const expected = { ...config, password: SECRET_MASK, credentials: { ...config.credentials, client_secret: SECRET_MASK }, tunnels: [{ user: 'u', ssh_key: SECRET_MASK }] };
    expect(maskConfig(spec, config)).toEqual(expected);
    expect(maskConfig(spec, encryptConfig(key, ACTOR, spec, config))).toEqual(expected);
  });

  it('masks an encrypted value even when the current spec no longer marks the field secret', () => {
    const stored = encryptConfig(key, ACTOR, spec, config);
    expect(maskConfig({ type: 'object', properties: {} }, stored).password).toBe(SECRET_MASK);
  });

  it('keeps the stored secret when the mask is sent back with the same other fields, and takes a new value when one is sent', () => {
    const incoming = { ...maskConfig(spec, config), tunnels: [{ user: 'u', ssh_key: 'new-key' }] };
    expect(mergeMaskedSecrets(spec, incoming, config)).toEqual({ ...config, tunnels: [{ user: 'u', ssh_key: 'new-key' }] });
    // every secret sent anew: the other fields may change
    const retyped = { ...config, host: 'new.example', password: 'p2', credentials: { ...config.credentials, client_secret: 's2' } };
    expect(mergeMaskedSecrets(spec, retyped, config)).toEqual(retyped);
  });

  // the stored secret must not follow the config to a host of the caller's choice
  it('refuses the mask when a field beside it changes, naming each masked secret and the changed fields', () => {
    const masked = maskConfig(spec, config);
    const refusal = (incoming: Record<string, unknown>) => {
      try {
        mergeMaskedSecrets(spec, incoming, config, '/configuration');
      } catch (error) {
        return error as DomainError;
      }
      throw new Error('not refused');
    };
    const moved = refusal({ ...masked, host: 'attacker.example' });
    expect(moved.code).toBe(ErrorCode.InvalidConfiguration);
    expect(moved.details.fieldErrors?.map((e) => e.path).sort()).toEqual([
      '/configuration/credentials/client_secret',
      '/configuration/password',
      '/configuration/tunnels/0/ssh_key',
    ]);
    expect(moved.details.fieldErrors?.[0]?.message).toBe('re-enter the secret when you change /configuration/host');
    // a nested field, an added one and a removed one count too; only the secrets still masked are named
    const partly = refusal({ ...masked, password: 'retyped', credentials: { ...masked.credentials as object, client_id: 'id-2' }, extra: 1, tunnels: undefined });
    expect(partly.details.fieldErrors?.map((e) => e.path)).toEqual(['/configuration/credentials/client_secret']);
    expect(partly.details.fieldErrors?.[0]?.message).toBe(
      're-enter the secret when you change /configuration/credentials/client_id, /configuration/extra, /configuration/tunnels',
    );
  });

  it('rejects the mask for a secret that was never stored, naming the field', () => {
    const incoming = { host: 'h', credentials: { auth_type: 'key', api_key: SECRET_MASK } };
    expect(() => mergeMaskedSecrets(spec, incoming, config)).toThrowError(
      expect.objectContaining({ code: ErrorCode.InvalidConfiguration, details: { fieldErrors: [expect.objectContaining({ path: '/credentials/api_key' })] } }),
    );
  });
});
