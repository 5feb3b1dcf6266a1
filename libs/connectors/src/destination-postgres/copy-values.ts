/**
 * Checking JSON values against column types, and the numbers binary COPY wants for them.
 * A value Postgres would refuse must never reach COPY (one bad value fails the whole
 * batch): every parser here answers undefined for a value the column cannot hold, and the
 * caller stores NULL and records a typecast change in _airbyte_meta.
 */

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

export function integerText(value: unknown): string | undefined {
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

export function decimalText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'string' && DECIMAL_STRING.test(value)) return value;
  return undefined;
}

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isValidDay(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const max = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day <= max;
}

function isValidClock(hour: number, minute: number, second: number): boolean {
  // Postgres accepts a leap second (60) and normalises it
  return hour <= 23 && minute <= 59 && second <= 60;
}

// captured: the fraction of the seconds; the zone, and the sign, hours and minutes of an offset
const OFFSET = '(?:\\s*([Zz]|UTC|GMT|([+-])(\\d{2})(?::?(\\d{2}))?))?';
const CLOCK = '(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?';
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_RE = new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})(?:[Tt ]${CLOCK}${OFFSET})?$`);
const TIME_RE = new RegExp(`^${CLOCK}${OFFSET}$`);

const validOffset = (h: string | undefined, m: string | undefined) =>
  (h === undefined || Number(h) <= 15) && (m === undefined || Number(m) <= 59);

/** A date, time or date-time as Postgres reads it; `offsetSeconds` is east of UTC, undefined without one. */
export interface Moment {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** the fraction of the second in microseconds, rounded as Postgres does */
  micros: number;
  offsetSeconds: number | undefined;
}

/** Postgres rounds fractional seconds with rint(): halves go to the even neighbour. */
function fractionMicros(digits: string | undefined): number {
  if (digits === undefined) return 0;
  const x = Number(`0.${digits}`) * 1_000_000;
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function offsetSeconds(
  zone: string | undefined,
  sign: string | undefined,
  h: string | undefined,
  m: string | undefined,
): number | undefined {
  if (zone === undefined) return undefined;
  if (h === undefined) return 0; // Z, UTC, GMT
  const seconds = Number(h) * 3600 + Number(m ?? 0) * 60;
  return sign === '-' ? -seconds : seconds;
}

export function parseDate(text: string): Moment | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isValidDay(year, month, day)) return undefined;
  return { year, month, day, hour: 0, minute: 0, second: 0, micros: 0, offsetSeconds: undefined };
}

/** The number written by `count` ASCII digits at `start`, or -1. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`, what toISOString() and most sources write, without the regex. */
function parseUtcTimestamp(text: string): Moment | undefined {
  const n = text.length;
  if (n < 20 || n > 27 || text.charCodeAt(n - 1) !== 90 /* Z */) return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return undefined;
  const [year, month, day] = [digitsAt(text, 0, 4), digitsAt(text, 5, 2), digitsAt(text, 8, 2)];
  const [hour, minute, second] = [digitsAt(text, 11, 2), digitsAt(text, 14, 2), digitsAt(text, 17, 2)];
  let micros = 0;
  if (n > 20) {
    // 1 to 6 digits: exact, no rounding to do
    if (text[19] !== '.' || n === 21) return undefined;
    const fraction = digitsAt(text, 20, n - 21);
    if (fraction < 0) return undefined;
    micros = fraction * 10 ** (27 - n);
  }
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  if (!isValidDay(year, month, day) || !isValidClock(hour, minute, second)) return undefined;
  return { year, month, day, hour, minute, second, micros, offsetSeconds: 0 };
}

/** ISO 8601 date-times (T or space, optional seconds, fraction and offset); a bare date is midnight. */
export function parseTimestamp(text: string): Moment | undefined {
  const utc = parseUtcTimestamp(text);
  if (utc) return utc;
  const m = TIMESTAMP_RE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isValidDay(year, month, day)) return undefined;
  if (m[4] === undefined) return { year, month, day, hour: 0, minute: 0, second: 0, micros: 0, offsetSeconds: undefined };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (!isValidClock(hour, minute, second) || !validOffset(m[10], m[11])) return undefined;
  return { year, month, day, hour, minute, second, micros: fractionMicros(m[7]), offsetSeconds: offsetSeconds(m[8], m[9], m[10], m[11]) };
}

export function parseTime(text: string): Moment | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (!isValidClock(hour, minute, second) || !validOffset(m[7], m[8])) return undefined;
  return {
    year: 2000,
    month: 1,
    day: 1,
    hour,
    minute,
    second,
    micros: fractionMicros(m[4]),
    offsetSeconds: offsetSeconds(m[5], m[6], m[7], m[8]),
  };
}

export const isValidTimestamp = (text: string): boolean => parseTimestamp(text) !== undefined;
export const isValidTime = (text: string): boolean => parseTime(text) !== undefined;

export const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

// --- binary forms ----------------------------------------------------------------------

const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const MS_PER_DAY = 86_400_000;
/** 400 Gregorian years, in days: shifting a date by them changes nothing but the year. */
const DAYS_PER_400_YEARS = 146_097;
const MICROS_PER_DAY = 86_400_000_000;

/** Milliseconds from 2000-01-01 UTC to the moment's wall-clock time read as UTC. */
function millisSince2000(m: Moment): number {
  // Date.UTC reads years 0..99 as 1900..1999: compute 400 years later and move back
  const shift = m.year < 100 ? 400 : 0;
  const ms = Date.UTC(m.year + shift, m.month - 1, m.day, m.hour, m.minute, m.second);
  return ms - (shift / 400) * DAYS_PER_400_YEARS * MS_PER_DAY - PG_EPOCH_MS;
}

/** Days from 2000-01-01: the binary form of a date. */
export function dateDays(m: Moment): number {
  return millisSince2000(m) / MS_PER_DAY;
}

/**
 * Microseconds from 2000-01-01: the binary form of timestamp (wall clock, any offset ignored,
 * as Postgres ignores it) and timestamptz (the offset applied; none means UTC).
 */
export function timestampMicros(m: Moment, withZone: boolean): number | bigint {
  const ms = millisSince2000(m) - (withZone ? (m.offsetSeconds ?? 0) * 1000 : 0);
  // beyond ~285 years from 2000 the microseconds outgrow a double's exact integers
  return Math.abs(ms) < 9e12 ? ms * 1000 + m.micros : BigInt(ms) * 1000n + BigInt(m.micros);
}

/** Microseconds since midnight (time, timetz); undefined past 24:00:00, which Postgres refuses. */
export function timeOfDayMicros(m: Moment): number | undefined {
  const micros = ((m.hour * 60 + m.minute) * 60 + m.second) * 1_000_000 + m.micros;
  return micros <= MICROS_PER_DAY ? micros : undefined;
}

const NUMERIC_PARTS = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const NUMERIC_NEGATIVE = 0x4000;
const NUMERIC_MAX_EXPONENT = 1000; // Postgres refuses larger exponents in numeric input
const NUMERIC_MAX_DSCALE = 0x3fff;
const INT16_MAX = 0x7fff;

const POWERS_OF_TEN = [1, 10, 100, 1000];

/**
 * The binary form of numeric for a decimal string (as decimalText answers): ndigits,
 * weight, sign, display scale, then base-10000 digits, most significant first; digit
 * group `w` is worth 10000^w. The display scale is what the text input would keep: the
 * digits written after the point, less the exponent.
 */
export function numericWords(text: string): number[] | undefined {
  const m = NUMERIC_PARTS.exec(text);
  if (!m) return undefined;
  const whole = m[2] ?? '';
  const fraction = m[3] ?? '';
  const exponent = Number(m[4] ?? 0);
  if (Math.abs(exponent) > NUMERIC_MAX_EXPONENT) return undefined;
  const dscale = Math.max(0, fraction.length - exponent);
  if (dscale > NUMERIC_MAX_DSCALE) return undefined;
  const count = whole.length + fraction.length;
  const point = whole.length + exponent; // digits before the decimal point
  // digit k is worth 10^(point - 1 - k): it adds to group floor(that / 4)
  const topWeight = Math.floor((point - 1) / 4);
  const groups = new Array<number>(topWeight - Math.floor((point - count) / 4) + 1).fill(0);
  for (let k = 0; k < count; k++) {
    const digit = (k < whole.length ? whole.charCodeAt(k) : fraction.charCodeAt(k - whole.length)) - 48;
    if (digit === 0) continue;
    const power = point - 1 - k;
    const weight = Math.floor(power / 4);
    groups[topWeight - weight]! += digit * POWERS_OF_TEN[power - 4 * weight]!;
  }
  let first = 0;
  while (first < groups.length && groups[first] === 0) first++;
  let end = groups.length;
  while (end > first && groups[end - 1] === 0) end--;
  if (first === end) return [0, 0, 0, dscale];
  const weight = topWeight - first;
  if (end - first > INT16_MAX || weight > INT16_MAX || weight < -INT16_MAX) return undefined;
  return [end - first, weight, m[1] === '-' ? NUMERIC_NEGATIVE : 0, dscale, ...groups.slice(first, end)];
}
