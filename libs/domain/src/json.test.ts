import { describe, expect, it } from 'vitest';
import { canonicalJson, sameJson } from './json.js';

describe('sameJson', () => {
  it('ignores the order of object keys at every depth, as jsonb reorders them', () => {
    const written = { type: 'object', properties: { id: { type: 'integer' }, address: { type: 'object', properties: { street: {}, city: {} } } } };
    const fromJsonb = { properties: { address: { properties: { city: {}, street: {} }, type: 'object' }, id: { type: 'integer' } }, type: 'object' };
    expect(sameJson(written, fromJsonb)).toBe(true);
  });

  it('keeps array order and tells real differences apart', () => {
    expect(sameJson({ type: ['null', 'string'] }, { type: ['string', 'null'] })).toBe(false);
    expect(sameJson({ type: 'integer' }, { type: 'number' })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson({ a: undefined, b: 1 }, { b: 1 })).toBe(true);
  });

  it('writes one canonical text per value', () => {
    expect(canonicalJson({ b: [1, { d: null, c: 'x' }], a: true })).toBe('{"a":true,"b":[1,{"c":"x","d":null}]}');
  });
});
