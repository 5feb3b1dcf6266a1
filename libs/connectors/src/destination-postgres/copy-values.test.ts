import { describe, expect, it } from 'vitest';
import { decimalText, integerText, isValidTime, isValidTimestamp, parseDate, repairJsonForPostgres } from './copy-values.js';

describe('COPY values', () => {
  it('removes \\u0000 escapes and replaces lone surrogates in JSON, but not escaped backslashes', () => {
    expect(repairJsonForPostgres(JSON.stringify({ a: 'x\u0000y' }))).toBe('{"a":"xy"}');
    expect(repairJsonForPostgres(JSON.stringify({ a: '\\u0000' }))).toBeUndefined();
    expect(repairJsonForPostgres(JSON.stringify({ a: '\\\u0000' }))).toBe('{"a":"\\\\"}');
    expect(repairJsonForPostgres(JSON.stringify({ a: '\ud800' }))).toBe('{"a":"\\ufffd"}');
    expect(repairJsonForPostgres(JSON.stringify({ a: '\u0001 \ud83d\ude80' }))).toBeUndefined();
  });

  it('accepts integers within bigint range only', () => {
    expect(integerText(42)).toBe('42');
    expect(integerText(-9007199254740991)).toBe('-9007199254740991');
    expect(integerText('9223372036854775807')).toBe('9223372036854775807');
    expect(integerText('9223372036854775808')).toBeUndefined();
    expect(integerText(2 ** 63)).toBeUndefined();
    expect(integerText(1.5)).toBeUndefined();
    expect(integerText(true)).toBeUndefined();
  });

  it('accepts numbers and numeric strings for numeric', () => {
    expect(decimalText(1e21)).toBe('1e+21');
    expect(decimalText('-1.5E-3')).toBe('-1.5E-3');
    expect(decimalText('NaN')).toBeUndefined();
    expect(decimalText('1,5')).toBeUndefined();
  });

  it('validates dates and times the way Postgres would', () => {
    expect(parseDate('2024-02-29')).toMatchObject({ year: 2024, month: 2, day: 29 });
    expect(parseDate('2023-02-29')).toBeUndefined();
    expect(parseDate('0000-01-01')).toBeUndefined();
    expect(isValidTimestamp('2024-01-01T10:20:30.123456Z')).toBe(true);
    expect(isValidTimestamp('2024-01-01 10:20+05:30')).toBe(true);
    expect(isValidTimestamp('2024-01-01T10:20:30+0530')).toBe(true);
    expect(isValidTimestamp('2024-01-01')).toBe(true);
    expect(isValidTimestamp('2024-01-01T24:00:00Z')).toBe(false);
    expect(isValidTimestamp('2024-13-01T00:00:00Z')).toBe(false);
    expect(isValidTimestamp('01/02/2024')).toBe(false);
    expect(isValidTime('23:59:59.5')).toBe(true);
    expect(isValidTime('10:00+02:00')).toBe(true);
    expect(isValidTime('25:00')).toBe(false);
  });
});
