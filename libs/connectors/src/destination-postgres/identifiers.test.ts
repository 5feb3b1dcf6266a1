import { describe, expect, it } from 'vitest';
import { MAX_IDENTIFIER_BYTES, columnNames, postgresIdentifier, quoteIdent, quoteLiteral } from './identifiers.js';

describe('identifiers', () => {
  it('quotes names by doubling embedded quotes', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteIdent('weird name')).toBe('"weird name"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });

  it('keeps names that fit and shortens longer ones deterministically to at most 63 bytes', () => {
    expect(postgresIdentifier('select')).toBe('select');
    expect(postgresIdentifier('x'.repeat(63))).toBe('x'.repeat(63));
    const long = 'x'.repeat(100);
    expect(Buffer.byteLength(postgresIdentifier(long))).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
    expect(postgresIdentifier(long)).toBe(postgresIdentifier(long));
    expect(postgresIdentifier(long)).not.toBe(postgresIdentifier(`${long}y`));
  });

  it('never cuts a multi-byte character in half', () => {
    const name = 'é'.repeat(40); // 80 bytes
    const short = postgresIdentifier(name);
    expect(Buffer.byteLength(short)).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
    expect(short).not.toContain('\uFFFD');
    expect(short.startsWith('é'.repeat(10))).toBe(true);
  });

  it('hashes empty names and names with NUL characters', () => {
    expect(postgresIdentifier('')).toMatch(/^_[0-9a-f]{8}$/);
    expect(postgresIdentifier('a\0b')).toMatch(/^ab_[0-9a-f]{8}$/);
    expect(postgresIdentifier('a\0b')).not.toBe(postgresIdentifier('ab'));
  });

  it('gives every field its own column and renames fields that clash with reserved columns, whatever the order', () => {
    const long = 'f'.repeat(70);
    const fields = ['id', '_airbyte_meta', long, `${long}2`];
    const names = columnNames(fields, new Set(['_airbyte_meta']));
    expect(names.get('id')).toBe('id');
    expect(names.get('_airbyte_meta')).toMatch(/^_airbyte_meta_[0-9a-f]{8}$/);
    expect(new Set(names.values()).size).toBe(4);
    expect(columnNames([...fields].reverse(), new Set(['_airbyte_meta']))).toEqual(names);
  });
});
