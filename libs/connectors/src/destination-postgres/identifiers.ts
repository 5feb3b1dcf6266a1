/**
 * Postgres identifiers for arbitrary stream, namespace and field names. Names are kept
 * as they are (case, spaces, unicode) and always quoted. Postgres silently truncates
 * identifiers to 63 bytes, which would make long names collide, so a name that is too
 * long (or contains a NUL, which Postgres cannot store) is cut on a character boundary
 * and suffixed with a hash of the full name: the same input always maps to the same name.
 */
import { createHash } from 'node:crypto';

/** NAMEDATALEN - 1 on a standard build. */
export const MAX_IDENTIFIER_BYTES = 63;

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal, for a session with standard_conforming_strings on (PostgresSession sets it). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export interface TableRef {
  schema: string;
  name: string;
}

export function qualifiedName(table: TableRef): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

function nameHash(name: string, hexChars: number): string {
  return createHash('sha256').update(name).digest('hex').slice(0, hexChars);
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return text.slice(0, end);
}

/** `name` with a hash suffix of the original, within the identifier limit. */
export function hashedIdentifier(name: string, hexChars = 8): string {
  const suffix = `_${nameHash(name, hexChars)}`;
  const base = name.replaceAll('\0', '');
  return utf8Prefix(base, MAX_IDENTIFIER_BYTES - suffix.length) + suffix;
}

/** `<base, cut to fit>_<label>_<hash of hashInput>`: names for things derived from a table (indexes). */
export function derivedIdentifier(base: string, label: string, hashInput: string): string {
  const suffix = `_${label}_${nameHash(hashInput, 8)}`;
  return utf8Prefix(base.replaceAll('\0', ''), MAX_IDENTIFIER_BYTES - Buffer.byteLength(suffix)) + suffix;
}

/** The identifier Postgres will store for `name`: itself when it fits, else hashed. */
export function postgresIdentifier(name: string): string {
  if (name.length > 0 && !name.includes('\0') && Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  return hashedIdentifier(name);
}

/**
 * Column names for a stream's fields. `reserved` are the destination's own columns: a
 * field with such a name gets a hashed name instead, so it never shadows them. Distinct
 * fields never share a column, whatever the order they come in.
 */
export function columnNames(fields: readonly string[], reserved: ReadonlySet<string>): Map<string, string> {
  const result = new Map<string, string>();
  const taken = new Set(reserved);
  const candidates = fields.map((field) => ({ field, name: reserved.has(field) ? hashedIdentifier(field) : postgresIdentifier(field) }));
  // names kept verbatim win over hashed ones; a hash collision (2^-32) widens the hash
  for (const { field, name } of candidates.filter((c) => c.name === c.field)) {
    result.set(field, name);
    taken.add(name);
  }
  for (const { field, name } of candidates.filter((c) => c.name !== c.field).sort((a, b) => (a.field < b.field ? -1 : 1))) {
    let chosen = name;
    for (let hexChars = 16; taken.has(chosen); hexChars += 8) chosen = hashedIdentifier(field, hexChars);
    result.set(field, chosen);
    taken.add(chosen);
  }
  return result;
}
