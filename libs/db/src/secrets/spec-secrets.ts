/**
 * Walks a connector config alongside its spec's JSON schema and visits the values
 * of fields marked `airbyte_secret: true`, through nested objects, arrays and
 * oneOf/anyOf/allOf branches. A field that any branch marks secret is treated as
 * secret: masking one field too many is harmless, leaking one is not.
 */
import { collectSecretStrings } from '@tributary/domain';

export type JsonSchema = { [key: string]: unknown };
type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Called with a secret field's value and its path (`/a/b`); returns the value to put there. */
export type SecretVisitor = (value: unknown, path: string) => unknown;

/** A copy of `config` in which every secret field's value is replaced by `visit(value)`. */
export function mapSecrets(schema: JsonSchema, config: JsonObject, visit: SecretVisitor): JsonObject {
  return walk(schema, config, '', visit) as JsonObject;
}

function walk(schema: unknown, value: unknown, path: string, visit: SecretVisitor): unknown {
  if (!isObject(schema)) return value;
  let result = value;
  for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches)) for (const branch of branches) result = walk(branch, result, path, visit);
  }
  if (Array.isArray(result) && isObject(schema.items)) {
    const items = schema.items;
    return result.map((item, i) => walk(items, item, `${path}/${i}`, visit));
  }
  if (!isObject(result) || !isObject(schema.properties)) return result;
  const copy: JsonObject = { ...result };
  for (const [key, propertySchema] of Object.entries(schema.properties)) {
    if (!(key in copy) || !isObject(propertySchema)) continue;
    const childPath = `${path}/${escapePointer(key)}`;
    copy[key] = propertySchema.airbyte_secret === true ? visit(copy[key], childPath) : walk(propertySchema, copy[key], childPath, visit);
  }
  return copy;
}

/** The plaintext of every secret field of a config (all strings inside it): what to mask wherever its connector speaks. */
export function specSecretValues(schema: JsonSchema, config: JsonObject): Set<string> {
  const found = new Set<string>();
  mapSecrets(schema, config, (value) => {
    collectSecretStrings(value, found);
    return value;
  });
  return found;
}

/** Replaces every value anywhere in `value` that `match` accepts (used for envelopes, whatever the spec says). */
export function mapDeep(value: unknown, match: (v: unknown) => boolean, replace: (v: unknown) => unknown): unknown {
  if (match(value)) return replace(value);
  if (Array.isArray(value)) return value.map((v) => mapDeep(v, match, replace));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapDeep(v, match, replace)]));
  return value;
}

const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The value at a `/a/b` path, or undefined. */
export function valueAt(root: unknown, path: string): unknown {
  let current = root;
  for (const raw of path.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isObject(current)) current = current[key];
    else return undefined;
  }
  return current;
}
