/**
 * The one request body the API reads: JSON text, checked before and after JSON.parse so that
 * nothing it cannot store or walk reaches a DTO, a service or Postgres:
 * - nesting deeper than MAX_JSON_DEPTH, found by a linear scan before parsing (deep JSON
 *   overflows class-transformer's recursion and blocks the event loop for seconds);
 * - NUL characters and lone UTF-16 surrogates, in keys or strings (Postgres rejects both in
 *   text and jsonb; a lone surrogate would otherwise be stored as U+FFFD);
 * - numbers beyond the double range (JSON.parse reads `1e400` as Infinity, stored as null);
 * - `__proto__` keys (JSON.parse makes them own properties; code that copies them would not).
 * Each rejection is a 400 naming the field by its JSON pointer.
 */
import { DomainError, ErrorCode, type FieldError } from '@tributary/domain';

/** Far deeper than any connector configuration or stream selection; far shallower than a stack overflow. */
export const MAX_JSON_DEPTH = 64;

/** How many bad fields one problem lists. */
const MAX_FIELD_ERRORS = 20;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether objects/arrays nest deeper than `max`, outside strings. Linear, no allocation. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** In unicode mode a surrogate only matches when it is not half of a pair. */
const LONE_SURROGATE = /\p{Surrogate}/u;

const pointerSegment = (key: string | number) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone UTF-16 surrogate';
  return undefined;
}

/** Every key and value Postgres or the DTO layer cannot take, as body field errors. */
export function unstorableFields(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const visit = (node: unknown, path: string): void => {
    if (errors.length >= MAX_FIELD_ERRORS) return;
    if (typeof node === 'string') {
      const problem = textProblem(node);
      if (problem) errors.push({ path, message: problem });
    } else if (typeof node === 'number') {
      if (!Number.isFinite(node)) errors.push({ path, message: 'is out of range: must be a finite number' });
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${path}/${index}`));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        const childPath = `${path}/${pointerSegment(key)}`;
        const keyProblem = key === '__proto__' ? 'is a reserved name' : textProblem(key);
        if (keyProblem) errors.push({ path: childPath, message: `property name ${keyProblem}` });
        else visit(child, childPath);
      }
    }
  };
  visit(value, '');
  return errors;
}

const invalidBody = (message: string, fieldErrors: FieldError[]) => new DomainError(ErrorCode.ValidationFailed, message, { fieldErrors });

/** The body as a JSON value; an empty body is no body (`undefined`). Throws a 400 DomainError. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw invalidBody(`the request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`, [
      { path: '', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidBody(`the request body is not valid JSON: ${reason}`, [{ path: '', message: 'must be valid JSON' }]);
  }
  const fieldErrors = unstorableFields(value);
  if (fieldErrors.length) throw invalidBody(fieldErrors.map((e) => `${e.path || '/'}: ${e.message}`).join('; '), fieldErrors);
  return value;
}
