/**
 * What the server and the worker do with connector configs: encrypt secret fields
 * before they are stored, decrypt them for a connector run, mask them in API
 * responses, and keep the stored secret when a client sends the mask back.
 */
import { DomainError, ErrorCode, SECRET_MASK, type FieldError } from '@tributary/domain';
import { isDeepStrictEqual } from 'node:util';
import { decryptValue, encryptValue, isSecretEnvelope, type SecretEnvelope } from './cipher.js';
import { mapDeep, mapSecrets, valueAt, type JsonSchema } from './spec-secrets.js';

type Config = Record<string, unknown>;

/** What a stored secret is bound to: its source or destination and its field, so it cannot be copied to another. */
export const secretContext = (actorId: string, path: string): string => `actor ${actorId} field ${path}`;

/**
 * The config to store for actor `actorId`: secret fields become encrypted envelopes bound to
 * the actor and field (already-encrypted ones stay; one that is not this actor's fails to decrypt).
 */
export function encryptConfig(key: Buffer, actorId: string, spec: JsonSchema, config: Config): Config {
  return mapSecrets(spec, config, (value, path) => (isSecretEnvelope(value) ? value : encryptValue(key, value, secretContext(actorId, path))));
}

/** Calls `visit` with the plaintext of every envelope in a stored config and its path. */
export function decryptEnvelopes(key: Buffer, actorId: string, stored: Config, visit: (plain: unknown, path: string) => unknown): Config {
  return mapDeep(stored, isSecretEnvelope, (envelope, path) => visit(decryptValue(key, envelope as SecretEnvelope, secretContext(actorId, path)), path)) as Config;
}

/** The config a connector runs with. Decrypts every envelope, even one the current spec no longer marks secret. */
export function decryptConfig(key: Buffer, actorId: string, stored: Config): Config {
  return decryptEnvelopes(key, actorId, stored, (plain) => plain);
}

/** The config an API response shows: secrets (and any stray envelope) as `**********`. */
export function maskConfig(spec: JsonSchema, config: Config): Config {
  const masked = mapSecrets(spec, config, () => SECRET_MASK);
  return mapDeep(masked, isSecretEnvelope, () => SECRET_MASK) as Config;
}

/**
 * The plaintext config for an update or a check: where the client sent `**********` for a
 * secret field, the stored secret at the same path is kept. Client errors, naming the field
 * (its path prefixed with `pointerPrefix`, where the config sits in the request):
 * - the mask for a secret that was never set;
 * - the mask while another field changed: the stored secret is kept only for the config it
 *   was entered with, or anyone allowed to edit could send it to a host of their choice.
 */
export function mergeMaskedSecrets(spec: JsonSchema, incoming: Config, storedPlain: Config, pointerPrefix = ''): Config {
  const missing: FieldError[] = [];
  const kept: string[] = [];
  const merged = mapSecrets(spec, incoming, (value, path) => {
    if (value !== SECRET_MASK) return value;
    const stored = valueAt(storedPlain, path);
    if (stored === undefined) missing.push({ path: `${pointerPrefix}${path}`, message: 'is the secret mask, but no secret is stored for this field' });
    else kept.push(path);
    return stored;
  });
  if (missing.length > 0) throw new DomainError(ErrorCode.InvalidConfiguration, 'configuration is invalid', { fieldErrors: missing });
  const changed = kept.length > 0 ? changedFields(spec, incoming, storedPlain).map((path) => `${pointerPrefix}${path}`) : [];
  if (changed.length > 0) {
    const message = `re-enter the secret when you change ${changed.join(', ')}`;
    throw new DomainError(ErrorCode.InvalidConfiguration, `configuration: ${message}`, {
      fieldErrors: kept.map((path) => ({ path: `${pointerPrefix}${path}`, message })),
    });
  }
  return merged;
}

/** stands for every secret value, so that only the other fields are compared */
const SECRET_FIELD = Symbol('secret');

/** The paths of the non-secret fields that differ between two configs (added, removed or changed), sorted. */
function changedFields(spec: JsonSchema, a: Config, b: Config): string[] {
  const secretPaths = new Set<string>();
  const blank = (config: Config) =>
    mapSecrets(spec, config, (_value, path) => {
      secretPaths.add(path);
      return SECRET_FIELD;
    });
  return differences(blank(a), blank(b), '')
    .filter((path) => !secretPaths.has(path))
    .sort();
}

function differences(a: unknown, b: unknown, path: string): string[] {
  const bothArrays = Array.isArray(a) && Array.isArray(b);
  const bothObjects = isPlainObject(a) && isPlainObject(b);
  if (!bothArrays && !bothObjects) return isDeepStrictEqual(a, b) ? [] : [path];
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  // a key whose value is undefined is no field at all (it is not in the JSON)
  const keys = new Set([...Object.keys(left), ...Object.keys(right)].filter((k) => left[k] !== undefined || right[k] !== undefined));
  return [...keys].flatMap((key) => differences(left[key], right[key], `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
