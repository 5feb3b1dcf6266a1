/**
 * Turning JSON values into fields of COPY's text format. A value Postgres would refuse
 * must never reach COPY (one bad value fails the whole batch), so every typed value is
 * checked here first: `valueText` answers undefined for a value the column cannot hold,
 * and the caller stores NULL and records a typecast change in _airbyte_meta.
 */
import type { ColumnKind } from './column-types.js';

/** COPY text format's NULL marker. */
export const COPY_NULL = '\\N';

const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_SPECIAL_ALL = /[\\\n\r\t]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Escapes backslash, newline, carriage return and tab for COPY text format. */
export function escapeCopyText(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPES[c] ?? c) : text;
}

/** Postgres text cannot hold NUL bytes: they are dropped. */
export function stripNul(text: string): string {
  return text.replaceAll('\0', '');
}

// a \u escape that is not itself escaped (even run of backslashes before it), for NUL or a surrogate
const JSON_UNSUPPORTED_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/gi;

/**
 * jsonb rejects `\u0000` and unpaired surrogates, which JSON.stringify writes for NULs
 * and lone surrogates in strings. Returns the repaired JSON (NUL dropped, surrogate
 * replaced by U+FFFD as text columns do), or undefined when nothing needed repair.
 */
export function repairJsonForPostgres(json: string): string | undefined {
  if (!json.includes('\\u')) return undefined;
  let changed = false;
  const repaired = json.replace(JSON_UNSUPPORTED_ESCAPE, (_match, backslashes: string, code: string) => {
    changed = true;
    return code === '0000' ? backslashes : `${backslashes}\\ufffd`;
  });
  return changed ? repaired : undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_STRING = /^[+-]?\d+$/;
// a short exponent keeps the value inside numeric's range
const DECIMAL_STRING = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,4})?$/;

function integerText(value: unknown): string | undefined {
  if (typeof value === 'number') {
    // beyond 2^63 a double has no bigint form; String() of smaller integers has no exponent
    return Number.isInteger(value) && value >= -9223372036854775808 && value < 9223372036854775808 ? String(value) : undefined;
  }
  if (typeof value === 'string' && INTEGER_STRING.test(value)) {
    const n = BigInt(value);
    return n >= INT64_MIN && n <= INT64_MAX ? n.toString() : undefined;
  }
  return undefined;
}

function decimalText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'string' && DECIMAL_STRING.test(value)) return value;
  return undefined;
}

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isValidDay(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const max = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day <= max;
}

function isValidClock(hour: number, minute: number, second: number): boolean {
  // Postgres accepts a leap second (60) and normalises it
  return hour <= 23 && minute <= 59 && second <= 60;
}

const OFFSET = '(?:\\s*(?:[Zz]|UTC|GMT|[+-](\\d{2})(?::?(\\d{2}))?))?';
const CLOCK = '(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.\\d{1,9})?)?';
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_RE = new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})(?:[Tt ]${CLOCK}${OFFSET})?$`);
const TIME_RE = new RegExp(`^${CLOCK}${OFFSET}$`);

const validOffset = (h: string | undefined, m: string | undefined) =>
  (h === undefined || Number(h) <= 15) && (m === undefined || Number(m) <= 59);

export function isValidDate(text: string): boolean {
  const m = DATE_RE.exec(text);
  return m !== null && isValidDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** ISO 8601 date-times (T or space, optional seconds, fraction and offset). */
export function isValidTimestamp(text: string): boolean {
  const m = TIMESTAMP_RE.exec(text);
  if (!m || !isValidDay(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  if (m[4] === undefined) return true; // a bare date is midnight
  return isValidClock(Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) && validOffset(m[7], m[8]);
}

export function isValidTime(text: string): boolean {
  const m = TIME_RE.exec(text);
  return m !== null && isValidClock(Number(m[1]), Number(m[2]), Number(m[3] ?? 0)) && validOffset(m[4], m[5]);
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * The unescaped text form of a non-null value for a column of `kind`, or undefined when
 * the column cannot hold it. Text columns take any value (objects as JSON).
 */
export function valueText(kind: ColumnKind, value: unknown): string | undefined {
  switch (kind) {
    case 'text':
      return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'jsonb':
      return JSON.stringify(value);
    case 'bigint':
      return integerText(value);
    case 'numeric':
    case 'float8':
      return decimalText(value);
    case 'boolean':
      return typeof value === 'boolean' ? (value ? 't' : 'f') : undefined;
    case 'date':
      return typeof value === 'string' && isValidDate(value) ? value : undefined;
    case 'timestamptz':
    case 'timestamp':
      return typeof value === 'string' && isValidTimestamp(value) ? value : undefined;
    case 'time':
    case 'timetz':
      return typeof value === 'string' && isValidTime(value) ? value : undefined;
    case 'uuid':
      return typeof value === 'string' && UUID_RE.test(value) ? value : undefined;
  }
}
