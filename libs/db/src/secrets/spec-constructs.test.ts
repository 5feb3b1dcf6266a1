// Secret fields that a spec declares through $ref/definitions, additionalProperties,
// patternProperties or if/then/else: found like any other (encrypted, masked, merged, masked in output).
import { SECRET_MASK } from '@tributary/domain';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptConfig, encryptConfig, maskConfig, mergeMaskedSecrets } from './config-secrets.js';
import { specSecretValues, type JsonSchema } from './spec-secrets.js';

const key = randomBytes(32);
const ACTOR = '3f2b8c1e-0000-4000-8000-000000000001';

const cases: {
  construct: string;
  spec: JsonSchema;
  config: Record<string, unknown>;
  secrets: string[];
  masked: Record<string, unknown>;
}[] = [
  {
    construct: '$ref to definitions and $defs (a secret field and an object holding one)',
    spec: {
      type: 'object',
      definitions: { secretString: { type: 'string', airbyte_secret: true } },
      $defs: { auth: { type: 'object', properties: { user: { type: 'string' }, token: { $ref: '#/definitions/secretString' } } } },
      properties: { password: { $ref: '#/definitions/secretString' }, auth: { $ref: '#/$defs/auth' } },
    },
    config: { password: 'ref-password', auth: { user: 'u', token: 'ref-token' } },
    secrets: ['ref-password', 'ref-token'],
    masked: { password: SECRET_MASK, auth: { user: 'u', token: SECRET_MASK } },
  },
  {
    construct: 'additionalProperties and patternProperties',
    spec: {
      type: 'object',
      properties: {
        headers: { type: 'object', additionalProperties: { type: 'string', airbyte_secret: true } },
        accounts: {
          type: 'object',
          additionalProperties: { type: 'object', properties: { name: { type: 'string' }, key: { type: 'string', airbyte_secret: true } } },
        },
        tokens: {
          type: 'object',
          properties: { note: { type: 'string' } },
          patternProperties: { '^token_': { type: 'string', airbyte_secret: true } },
        },
      },
    },
    config: {
      headers: { Authorization: 'Bearer add-header' },
      accounts: { a: { name: 'A', key: 'add-key' } },
      tokens: { note: 'n', token_1: 'pattern-token' },
    },
    secrets: ['Bearer add-header', 'add-key', 'pattern-token'],
    masked: {
      headers: { Authorization: SECRET_MASK },
      accounts: { a: { name: 'A', key: SECRET_MASK } },
      tokens: { note: 'n', token_1: SECRET_MASK },
    },
  },
  {
    construct: 'if/then/else',
    spec: {
      type: 'object',
      properties: { mode: { type: 'string' } },
      if: { properties: { mode: { const: 'key' } } },
      then: { properties: { api_key: { type: 'string', airbyte_secret: true } } },
      else: { properties: { password: { type: 'string', airbyte_secret: true } } },
    },
    config: { mode: 'key', api_key: 'then-key' },
    secrets: ['then-key'],
    masked: { mode: 'key', api_key: SECRET_MASK },
  },
];

describe('secret fields behind spec constructs', () => {
  for (const { construct, spec, config, secrets, masked } of cases) {
    it(`finds, encrypts and masks secrets declared through ${construct}`, () => {
      expect([...specSecretValues(spec, config)].sort()).toEqual([...secrets].sort());
      const stored = encryptConfig(key, ACTOR, spec, config);
      for (const secret of secrets) expect(JSON.stringify(stored)).not.toContain(secret);
      expect(decryptConfig(key, ACTOR, stored)).toEqual(config);
      expect(maskConfig(spec, config)).toEqual(masked);
      expect(mergeMaskedSecrets(spec, masked, config)).toEqual(config);
    });
  }

  it('follows a recursive $ref without looping', () => {
    const spec = {
      type: 'object',
      definitions: {
        node: {
          type: 'object',
          properties: { secret: { type: 'string', airbyte_secret: true }, child: { $ref: '#/definitions/node' } },
          anyOf: [{ $ref: '#/definitions/node' }],
        },
      },
      $ref: '#/definitions/node',
    };
    expect([...specSecretValues(spec, { secret: 'outer', child: { secret: 'inner', child: {} } })].sort()).toEqual(['inner', 'outer']);
  });
});
