import { describe, expect, it } from 'vitest';
import { escapeCopyText, isValidTime, isValidTimestamp, repairJsonForPostgres, valueText } from './copy-values.js';

describe('COPY text values', () => {
  it('escapes backslash, newline, carriage return and tab', () => {
    expect(escapeCopyText('a\\b\nc\rd\te')).toBe('a\\\\b\\nc\\rd\\te');
    expect(escapeCopyText('plain "quotes" \u00e9')).toBe('plain "quotes" \u00e9');
  });

  it('removes \\u0000 escapes and replaces lone surrogates in JSON, but not escaped backslashes', () => {
    expect(repairJsonForPostgres(JSON.stringify({ a: 'x\u0000y' }))).toBe('{"a":"xy"}');
    expect(repairJsonForPostgres(JSON.stringify({ a: '\\u0000' }))).toBeUndefined();
    expect(repairJsonForPostgres(JSON.stringify({ a: '\\\u0000' }))).toBe('{"a":"\\\\"}');
    expect(repairJsonForPostgres(JSON.stringify({ a: '\ud800' }))).toBe('{"a":"\\ufffd"}');
    expect(repairJsonForPostgres(JSON.stringify({ a: '\u0001 \ud83d\ude80' }))).toBeUndefined();
  });

  it('accepts integers within bigint range only', () => {
    expect(valueText('bigint', 42)).toBe('42');
    expect(valueText('bigint', -9007199254740991)).toBe('-9007199254740991');
    expect(valueText('bigint', '9223372036854775807')).toBe('9223372036854775807');
    expect(valueText('bigint', '9223372036854775808')).toBeUndefined();
    expect(valueText('bigint', 2 ** 63)).toBeUndefined();
    expect(valueText('bigint', 1.5)).toBeUndefined();
    expect(valueText('bigint', true)).toBeUndefined();
  });

  it('accepts numbers and numeric strings for numeric', () => {
    expect(valueText('numeric', 1e21)).toBe('1e+21');
    expect(valueText('numeric', '-1.5E-3')).toBe('-1.5E-3');
    expect(valueText('numeric', 'NaN')).toBeUndefined();
    expect(valueText('numeric', '1,5')).toBeUndefined();
  });

  it('validates dates and times the way Postgres would', () => {
    expect(valueText('date', '2024-02-29')).toBe('2024-02-29');
    expect(valueText('date', '2023-02-29')).toBeUndefined();
    expect(valueText('date', '0000-01-01')).toBeUndefined();
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

  it('writes any value into text and booleans only into boolean', () => {
    expect(valueText('text', { a: 1 })).toBe('{"a":1}');
    expect(valueText('text', 12.5)).toBe('12.5');
    expect(valueText('boolean', false)).toBe('f');
    expect(valueText('boolean', 'true')).toBeUndefined();
    expect(valueText('jsonb', 'a string')).toBe('"a string"');
  });
});
