/**
 * Walks a connector config alongside its spec's JSON schema and visits the values
 * of fields marked `airbyte_secret: true`, through nested objects (properties,
 * patternProperties, additionalProperties), arrays, local `$ref`s (`#/definitions/...`,
 * `#/$defs/...`) and branches (oneOf/anyOf/allOf, if/then/else, dependentSchemas). A field
 * that any branch marks secret is treated as secret: masking one field too many is
 * harmless, leaking one is not.
 */
import { collectSecretStrings } from '@tributary/domain';

export type JsonSchema = { [key: string]: unknown };
type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Called with a secret field's value and its path (`/a/b`); returns the value to put there. */
export type SecretVisitor = (value: unknown, path: string) => unknown;

/** A copy of `config` in which every secret field's value is replaced by `visit(value)`. */
export function mapSecrets(schema: JsonSchema, config: JsonObject, visit: SecretVisitor): JsonObject {
  return walk({ root: schema, visit }, schema, config, '', new Set()) as JsonObject;
}

interface Walk {
  root: JsonSchema;
  visit: SecretVisitor;
}

/** The schema a `$ref` chain ends at (local refs only; an unknown or remote ref resolves to nothing). */
function resolve(root: JsonSchema, schema: unknown): JsonObject | undefined {
  const seen = new Set<string>();
  let current = schema;
  while (isObject(current) && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (seen.has(ref) || !ref.startsWith('#')) return undefined;
    seen.add(ref);
    current = ref === '#' ? root : valueAt(root, ref.slice(1));
  }
  return isObject(current) ? current : undefined;
}

/** The subschemas that apply to the same value as `schema` does. */
function branchesOf(schema: JsonObject): unknown[] {
  const branches: unknown[] = [];
  for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) {
    const list = schema[keyword];
    if (Array.isArray(list)) branches.push(...list);
  }
  branches.push(schema.then, schema.else);
  for (const keyword of ['dependentSchemas', 'dependencies'] as const) {
    const byKey = schema[keyword];
    if (isObject(byKey)) branches.push(...Object.values(byKey).filter(isObject));
  }
  return branches.filter((b) => b !== undefined);
}

/** Whether `schema`, or one of its branches, marks the value itself secret. `seen` stops ref cycles. */
function marksSecret(root: JsonSchema, schema: unknown, seen: Set<JsonObject>): boolean {
  const resolved = resolve(root, schema);
  if (!resolved || seen.has(resolved)) return false;
  seen.add(resolved);
  return resolved.airbyte_secret === true || branchesOf(resolved).some((b) => marksSecret(root, b, seen));
}

/** The schemas that apply to `key` of an object: its property, matching patternProperties, else additionalProperties. */
function schemasForKey(schema: JsonObject, key: string): unknown[] {
  const found: unknown[] = [];
  if (isObject(schema.properties) && Object.hasOwn(schema.properties, key)) found.push(schema.properties[key]);
  if (isObject(schema.patternProperties)) {
    for (const [pattern, sub] of Object.entries(schema.patternProperties)) if (safeTest(pattern, key)) found.push(sub);
  }
  if (found.length === 0 && isObject(schema.additionalProperties)) found.push(schema.additionalProperties);
  return found;
}

function safeTest(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(key);
  } catch {
    return false;
  }
}

/** `seen`: the schemas already applied to this value (a ref cycle through branches stops here). */
function walk(w: Walk, schema: unknown, value: unknown, path: string, seen: Set<JsonObject>): unknown {
  const resolved = resolve(w.root, schema);
  if (!resolved || seen.has(resolved)) return value;
  seen.add(resolved);
  let result = value;
  for (const branch of branchesOf(resolved)) result = walk(w, branch, result, path, seen);
  if (Array.isArray(result)) {
    const { items, prefixItems } = resolved;
    return result.map((item, i) => {
      const itemSchema = Array.isArray(prefixItems) && i < prefixItems.length ? prefixItems[i] : Array.isArray(items) ? items[i] : items;
      return visitOrWalk(w, [itemSchema], item, `${path}/${i}`);
    });
  }
  if (!isObject(result)) return result;
  const copy: JsonObject = { ...result };
  for (const key of Object.keys(copy)) {
    const schemas = schemasForKey(resolved, key);
    if (schemas.length > 0) copy[key] = visitOrWalk(w, schemas, copy[key], `${path}/${escapePointer(key)}`);
  }
  return copy;
}

/** A value that one of its schemas marks secret is visited once; otherwise each schema walks into it. */
function visitOrWalk(w: Walk, schemas: unknown[], value: unknown, path: string): unknown {
  if (schemas.some((s) => marksSecret(w.root, s, new Set()))) return w.visit(value, path);
  let result = value;
  for (const s of schemas) result = walk(w, s, result, path, new Set());
  return result;
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

/** Replaces every value anywhere in `value` that `match` accepts (used for envelopes, whatever the spec says); `path` is where it sits (`/a/0/b`). */
export function mapDeep(
  value: unknown,
  match: (v: unknown) => boolean,
  replace: (v: unknown, path: string) => unknown,
  path = '',
): unknown {
  if (match(value)) return replace(value, path);
  if (Array.isArray(value)) return value.map((v, i) => mapDeep(v, match, replace, `${path}/${i}`));
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapDeep(v, match, replace, `${path}/${escapePointer(k)}`)]));
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
