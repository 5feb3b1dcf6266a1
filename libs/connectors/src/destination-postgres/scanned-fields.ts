/**
 * Fields of binary COPY written straight from a scanned RECORD line (see RecordScan): text
 * and jsonb bytes are copied as they are, numbers and literals read in place. A value in
 * any other shape is decoded on its own with JSON.parse and written by `writeField`, so
 * each field ends as it would from a parsed record, but for one thing: a numeric column
 * gets a number token's exact decimal, where the parsed record only has the nearest double
 * (Postgres's numeric holds what a double cannot, e.g. 0.1000000000000000055 or 1e400).
 * False when the value would not be written as it is (unfit or truncated): the caller then
 * encodes the whole record the ordinary way, which records the change in _airbyte_meta.
 */
import { isUtf8 } from 'node:buffer';
import { ValueFlag, ValueKind, type RecordScan, type UnsortedObjects } from '../destination-common/record-scan.js';
import { writeField } from './binary-fields.js';
import type { ColumnKind } from './column-types.js';
import type { CopyBuffer } from './copy-buffer.js';
import { isValidDay, numericWords } from './copy-values.js';
import { JsonbOrder } from './jsonb-order.js';

const JSONB_VERSION = 1;
const jsonbOrder = new JsonbOrder();
/** up to this many digits an integer is exact in a double */
const SAFE_DIGITS = 15;

/** The integer written in ASCII digits (with an optional minus) in `buf[start, end)`. */
export function integerAt(buf: Buffer, start: number, end: number): number {
  const negative = buf[start] === 0x2d;
  let value = 0;
  for (let i = negative ? start + 1 : start; i < end; i++) value = value * 10 + (buf[i]! - 48);
  return negative ? -value : value;
}

/** The number token at `buf[start, end)` as JSON.parse reads it. */
export function numberAt(buf: Buffer, start: number, end: number, flags: number): number {
  return (flags & ValueFlag.Fraction) === 0 && end - start <= SAFE_DIGITS
    ? integerAt(buf, start, end)
    : Number(buf.toString('latin1', start, end));
}

/** The value of a span (a string's without its quotes) as JSON.parse gives it. */
function spanValue(buf: Buffer, start: number, end: number, valueKind: ValueKind): unknown {
  const string = valueKind === ValueKind.String;
  return JSON.parse(buf.toString('utf8', string ? start - 1 : start, string ? end + 1 : end));
}

/** Entry `n`'s value as JSON.parse gives it. */
export function scannedValue(scan: RecordScan, n: number): unknown {
  return spanValue(scan.buf, scan.valueStart[n]!, scan.valueEnd[n]!, scan.valueKind[n]!);
}

/** A span's bytes are valid UTF-8 (a string or container that has non-ASCII bytes may not be). */
function utf8(buf: Buffer, start: number, end: number, flags: number): boolean {
  return (flags & ValueFlag.NonAscii) === 0 || isUtf8(buf.subarray(start, end));
}

/** Writes entry `n` (not null) as a field of a column of `kind`; false when it cannot be written as it is. */
export function writeScannedField(out: CopyBuffer, kind: ColumnKind, scan: RecordScan, n: number): boolean {
  return writeSpanField(
    out,
    kind,
    scan.buf,
    scan.valueStart[n]!,
    scan.valueEnd[n]!,
    scan.valueKind[n]!,
    scan.valueFlags[n]!,
    scan.unsortedObjects,
  );
}

/**
 * Writes a value RecordScan took whole (not null): its span in `buf` (a string's without its
 * quotes), what it is and its flags, and the objects out of order its scan noted; false when it
 * cannot be written as it is.
 */
export function writeSpanField(
  out: CopyBuffer,
  kind: ColumnKind,
  buf: Buffer,
  start: number,
  end: number,
  valueKind: ValueKind,
  flags: number,
  unsorted: UnsortedObjects,
): boolean {
  switch (kind) {
    case 'text':
      if (valueKind === ValueKind.String && (flags & ValueFlag.Escaped) === 0 && utf8(buf, start, end, flags)) {
        out.bytesField(buf, start, end);
        return true;
      }
      break;
    case 'bigint':
      if (valueKind === ValueKind.Number && (flags & ValueFlag.Fraction) === 0 && end - start <= SAFE_DIGITS) {
        out.int64(integerAt(buf, start, end));
        return true;
      }
      break;
    case 'numeric':
      // the number exactly as the source wrote it, not rounded through a double
      if (valueKind === ValueKind.Number) {
        if ((flags & ValueFlag.Exponent) === 0) return numericAt(out, buf, start, end);
        const words = numericWords(buf.toString('latin1', start, end));
        if (words === undefined) return false;
        out.int16s(words);
        return true;
      }
      break;
    case 'float8':
      if (valueKind === ValueKind.Number) {
        // + 0: writeField goes through String(), which writes -0 as 0
        const value = numberAt(buf, start, end, flags) + 0;
        if (!Number.isFinite(value)) return false;
        out.float64(value);
        return true;
      }
      break;
    case 'boolean':
      if (valueKind === ValueKind.True || valueKind === ValueKind.False) {
        out.boolean(valueKind === ValueKind.True);
        return true;
      }
      break;
    case 'jsonb':
      // jsonb reads the text itself; JSON.stringify would only have dropped spaces. Escapes and
      // numbers it would have rewritten take the ordinary way. Big objects go in jsonb's key order.
      if ((flags & (ValueFlag.UnicodeEscape | ValueFlag.NonCanonicalNumber)) !== 0 || !utf8(buf, start, end, flags)) break;
      if (valueKind === ValueKind.Object || valueKind === ValueKind.Array) {
        const sorted =
          (flags & ValueFlag.Unsorted) === 0
            ? undefined
            : (jsonbOrder.sortedNoted(buf, start, end, unsorted) ?? jsonbOrder.sorted(buf, start, end));
        if (sorted) out.bytesField(sorted, 0, sorted.length, JSONB_VERSION);
        else out.bytesField(buf, start, end, JSONB_VERSION);
        return true;
      }
      // a scalar: its token (a string's span leaves out its quotes)
      if (valueKind === ValueKind.String) out.bytesField(buf, start - 1, end + 1, JSONB_VERSION);
      else out.bytesField(buf, start, end, JSONB_VERSION);
      return true;
    case 'timestamptz':
    case 'timestamp':
      if (valueKind === ValueKind.String && (flags & (ValueFlag.Escaped | ValueFlag.NonAscii)) === 0) {
        const micros = timestampAt(buf, start, end, kind === 'timestamptz');
        if (micros !== undefined) {
          out.int64(micros);
          return true;
        }
        return writeField(out, kind, buf.toString('latin1', start, end)) === 'written';
      }
      break;
    case 'date':
    case 'time':
    case 'timetz':
    case 'uuid':
      if (valueKind === ValueKind.String && (flags & (ValueFlag.Escaped | ValueFlag.NonAscii)) === 0)
        return writeField(out, kind, buf.toString('latin1', start, end)) === 'written';
      break;
    case 'json':
      break;
  }
  return writeField(out, kind, spanValue(buf, start, end, valueKind)) === 'written';
}

const NUMERIC_NEGATIVE = 0x4000;
const NUMERIC_MAX_DSCALE = 0x3fff;
const INT16_MAX = 0x7fff;
/** numeric's words for numericAt: ndigits, weight, sign, dscale, then the base-10000 digits */
const words: number[] = [];

/**
 * numeric's binary form straight from a number token without exponent (`-?int(.frac)?`),
 * the same words numericWords gives for its text. False past numeric's limits.
 */
export function numericAt(out: CopyBuffer, buf: Buffer, start: number, end: number): boolean {
  let i = start;
  const negative = buf[i] === 0x2d;
  if (negative) i++;
  const intStart = i;
  while (i < end && buf[i] !== 0x2e) i++;
  const intDigits = i - intStart;
  const fractionStart = i < end ? i + 1 : end;
  const dscale = end - fractionStart;
  if (dscale > NUMERIC_MAX_DSCALE) return false;
  // base-10000 digits line up on the decimal point: the first integer group takes what is left over
  const intGroups = Math.ceil(intDigits / 4);
  let weight = intGroups - 1;
  let count = 4;
  let at = intStart;
  for (let g = 0; g < intGroups; g++) {
    const take = g === 0 ? intDigits - 4 * (intGroups - 1) : 4;
    let value = 0;
    for (let k = 0; k < take; k++) value = value * 10 + buf[at++]! - 48;
    if (value === 0 && count === 4) weight--;
    else words[count++] = value;
  }
  at = fractionStart;
  while (at < end) {
    let value = 0;
    for (let k = 0; k < 4; k++) value = value * 10 + (at < end ? buf[at++]! - 48 : 0);
    if (value === 0 && count === 4) weight--;
    else words[count++] = value;
  }
  while (count > 4 && words[count - 1] === 0) count--;
  const ndigits = count - 4;
  if (ndigits === 0) weight = 0;
  if (ndigits > INT16_MAX || weight > INT16_MAX || weight < -INT16_MAX) return false;
  words[0] = ndigits;
  words[1] = weight;
  words[2] = negative && ndigits > 0 ? NUMERIC_NEGATIVE : 0;
  words[3] = dscale;
  out.int16s(words, count);
  return true;
}

/** The two ASCII digits at `at` as a number, or -1. */
function twoDigitsAt(buf: Buffer, at: number): number {
  const tens = buf[at]! - 48;
  const ones = buf[at + 1]! - 48;
  // (x >>> 0) > 9 also catches a byte below '0'
  return tens >>> 0 > 9 || ones >>> 0 > 9 ? -1 : tens * 10 + ones;
}

/** microseconds in one unit of the fraction's last digit, by its digit count */
const FRACTION_SCALE = [0, 100_000, 10_000, 1000, 100, 10, 1];
const DAYS_1970_TO_2000 = 10_957;

/** Days from 1970-01-01 to a proleptic Gregorian date (years 1..9999: every quotient is of a non-negative number). */
function civilDays(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = (y / 400) | 0;
  const yearOfEra = y - era * 400;
  const dayOfYear = (((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) | 0) + day - 1;
  const dayOfEra = yearOfEra * 365 + ((yearOfEra / 4) | 0) - ((yearOfEra / 100) | 0) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * The binary form (microseconds from 2000-01-01) of a date-time written
 * `YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z|±HH:MM]` in `buf[start, end)`, as timestampMicros gives
 * it; undefined for any other shape or an invalid moment (the caller reads those as text).
 */
export function timestampAt(buf: Buffer, start: number, end: number, withZone: boolean): number | bigint | undefined {
  const n = end - start;
  if (n < 19 || buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d || buf[start + 13] !== 0x3a || buf[start + 16] !== 0x3a)
    return undefined;
  const separator = buf[start + 10];
  if (separator !== 0x54 && separator !== 0x20) return undefined;
  const century = twoDigitsAt(buf, start);
  const yearOfCentury = twoDigitsAt(buf, start + 2);
  if (century < 0 || yearOfCentury < 0) return undefined;
  const year = century * 100 + yearOfCentury;
  const month = twoDigitsAt(buf, start + 5);
  const day = twoDigitsAt(buf, start + 8);
  const hour = twoDigitsAt(buf, start + 11);
  const minute = twoDigitsAt(buf, start + 14);
  const second = twoDigitsAt(buf, start + 17);
  if (!isValidDay(year, month, day) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
  let at = start + 19;
  let micros = 0;
  if (buf[at] === 0x2e) {
    const fractionStart = ++at;
    let fraction = 0;
    for (let digit = buf[at]! - 48; at < end && digit >>> 0 <= 9; digit = buf[++at]! - 48) fraction = fraction * 10 + digit;
    const digits = at - fractionStart;
    // more than 6 digits are rounded as Postgres does: left to the text path
    if (digits === 0 || digits > 6) return undefined;
    micros = fraction * FRACTION_SCALE[digits]!;
  }
  let offset = 0;
  if (at < end) {
    const zone = buf[at];
    if (zone === 0x5a && at + 1 === end) offset = 0;
    else if ((zone === 0x2b || zone === 0x2d) && at + 6 === end && buf[at + 3] === 0x3a) {
      const hours = twoDigitsAt(buf, at + 1);
      const minutes = twoDigitsAt(buf, at + 4);
      if (hours < 0 || hours > 15 || minutes < 0 || minutes > 59) return undefined;
      offset = (zone === 0x2d ? -1 : 1) * (hours * 3600 + minutes * 60);
    } else return undefined;
  }
  const seconds = (civilDays(year, month, day) - DAYS_1970_TO_2000) * 86_400 + hour * 3600 + minute * 60 + second - (withZone ? offset : 0);
  const ms = seconds * 1000;
  // beyond ~285 years from 2000 the microseconds outgrow a double's exact integers
  return Math.abs(ms) < 9e12 ? ms * 1000 + micros : BigInt(ms) * 1000n + BigInt(micros);
}
