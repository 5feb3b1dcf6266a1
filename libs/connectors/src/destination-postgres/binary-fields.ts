/**
 * Typed values as fields of binary COPY. Every value is checked first, as for text: a
 * value the column cannot hold is answered `unfit` and nothing is written (the caller
 * stores NULL and records a typecast change), because one bad field fails the whole COPY.
 */
import type { ColumnKind } from './column-types.js';
import type { CopyBuffer } from './copy-buffer.js';
import {
  UUID_RE,
  dateDays,
  decimalText,
  integerText,
  numericWords,
  parseDate,
  parseTime,
  parseTimestamp,
  repairJsonForPostgres,
  stripNul,
  timeOfDayMicros,
  timestampMicros,
} from './copy-values.js';

const INT64_LIMIT = 2 ** 63;
/** jsonb's binary form is its text after a version byte. */
const JSONB_VERSION = 1;

export type FieldOutcome = 'written' | 'truncated' | 'unfit';

function writeJson(out: CopyBuffer, value: unknown, kind: 'jsonb' | 'json'): FieldOutcome {
  const json = JSON.stringify(value);
  const repaired = repairJsonForPostgres(json);
  out.text(repaired ?? json, kind === 'jsonb' ? JSONB_VERSION : undefined);
  return repaired === undefined ? 'written' : 'truncated';
}

/** Writes a non-null value as a field of a column of `kind`. */
export function writeField(out: CopyBuffer, kind: ColumnKind, value: unknown): FieldOutcome {
  switch (kind) {
    case 'text': {
      const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
      if (!text.includes('\0')) {
        out.text(text);
        return 'written';
      }
      out.text(stripNul(text));
      return 'truncated';
    }
    case 'jsonb':
    case 'json':
      return writeJson(out, value, kind);
    case 'bigint': {
      if (typeof value === 'number') {
        // a double beyond 2^53 is still an exact integer: BigInt() keeps it, String() would round it
        if (!Number.isInteger(value) || value < -INT64_LIMIT || value >= INT64_LIMIT) return 'unfit';
        out.int64(Number.isSafeInteger(value) ? value : BigInt(value));
        return 'written';
      }
      const text = integerText(value);
      if (text === undefined) return 'unfit';
      out.int64(BigInt(text));
      return 'written';
    }
    case 'numeric': {
      const text = decimalText(value);
      const words = text === undefined ? undefined : numericWords(text);
      if (words === undefined) return 'unfit';
      out.int16s(words);
      return 'written';
    }
    case 'float8': {
      const text = decimalText(value);
      const number = text === undefined ? Number.NaN : Number(text);
      if (!Number.isFinite(number)) return 'unfit';
      out.float64(number);
      return 'written';
    }
    case 'boolean':
      if (typeof value !== 'boolean') return 'unfit';
      out.boolean(value);
      return 'written';
    case 'date': {
      const moment = typeof value === 'string' ? parseDate(value) : undefined;
      if (!moment) return 'unfit';
      out.int32(dateDays(moment));
      return 'written';
    }
    case 'timestamptz':
    case 'timestamp': {
      const moment = typeof value === 'string' ? parseTimestamp(value) : undefined;
      if (!moment) return 'unfit';
      out.int64(timestampMicros(moment, kind === 'timestamptz'));
      return 'written';
    }
    case 'time':
    case 'timetz': {
      const moment = typeof value === 'string' ? parseTime(value) : undefined;
      const micros = moment ? timeOfDayMicros(moment) : undefined;
      if (micros === undefined) return 'unfit';
      // timetz stores the zone in seconds west of UTC; none given means UTC
      if (kind === 'timetz') out.int64int32(micros, -(moment!.offsetSeconds ?? 0));
      else out.int64(micros);
      return 'written';
    }
    case 'uuid': {
      if (typeof value !== 'string' || !UUID_RE.test(value)) return 'unfit';
      out.bytesField(Buffer.from(value.replaceAll('-', ''), 'hex'));
      return 'written';
    }
  }
}
