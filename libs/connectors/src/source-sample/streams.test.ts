import { describe, expect, it } from 'vitest';
import { MAX_DATA_BYTES, SAMPLE_STREAMS, SAMPLE_STREAM_NAMES, firstIndexAfter, sampleDataText, updatedAtSeconds } from './streams.js';
import * as words from './words.js';

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; items?: JsonSchema; required?: string[] };

/** a small JSON Schema check: types, nested objects and arrays, required keys */
function schemaErrors(value: unknown, schema: JsonSchema, path = 'data'): string[] {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number')))
    return [`${path}: ${actual} is not ${types.join('|')}`];
  const errors: string[] = [];
  if (actual === 'object' && schema.properties) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${path}.${key}: missing`);
    for (const [key, child] of Object.entries(object)) {
      const childSchema = schema.properties[key];
      if (!childSchema) errors.push(`${path}.${key}: not in the schema`);
      else errors.push(...schemaErrors(child, childSchema, `${path}.${key}`));
    }
    for (const key of Object.keys(schema.properties)) if (!(key in object)) errors.push(`${path}.${key}: absent`);
  }
  if (actual === 'array' && schema.items)
    (value as unknown[]).forEach((item, i) => errors.push(...schemaErrors(item, schema.items!, `${path}[${i}]`)));
  return errors;
}

describe('source-sample streams', () => {
  it('uses only words that need no JSON escaping', () => {
    const all = Object.values(words).flatMap((list) => (list as readonly unknown[]).flat()) as string[];
    expect(all.length).toBeGreaterThan(100);
    for (const word of all) expect(JSON.stringify(word)).toBe(`"${word}"`);
  });

  it.each(SAMPLE_STREAM_NAMES)('writes %s records that are valid JSON matching the discovered schema', (name) => {
    const stream = SAMPLE_STREAMS[name];
    const indexes = [0, 1, 2, 9, 99, 86_399, 86_400, 1_000_000, 123_456_789, 2 ** 31 + 5, 4_000_000_000];
    for (let i = 0; i < 3000; i++) indexes.push(i * 7919);
    for (const index of indexes) {
      const text = sampleDataText(stream, 42, index);
      expect(Buffer.byteLength(text)).toBeLessThan(MAX_DATA_BYTES);
      const data = JSON.parse(text) as Record<string, unknown>;
      expect(schemaErrors(data, stream.jsonSchema as JsonSchema)).toEqual([]);
      expect(data['id']).toBe(index + 1);
      expect(data['updated_at']).toBe(new Date(updatedAtSeconds(index) * 1000).toISOString().replace('.000Z', 'Z'));
    }
  });

  it('depends only on seed and index: the same inputs give the same bytes, another seed other data', () => {
    for (const name of SAMPLE_STREAM_NAMES) {
      const stream = SAMPLE_STREAMS[name];
      expect(sampleDataText(stream, 7, 500)).toBe(sampleDataText(stream, 7, 500));
      expect(sampleDataText(stream, 7, 500)).not.toBe(sampleDataText(stream, 8, 500));
    }
  });

  it('keeps purchases pointing at users and products that exist', () => {
    for (let index = 0; index < 2000; index++) {
      const purchase = JSON.parse(sampleDataText(SAMPLE_STREAMS.purchases, 3, index)) as {
        user_id: number;
        product_id: number;
        total: number;
        unit_price: number;
        quantity: number;
      };
      expect(purchase.user_id).toBeGreaterThanOrEqual(1);
      expect(purchase.user_id).toBeLessThanOrEqual(index + 1);
      expect(purchase.product_id).toBeLessThanOrEqual(index + 1);
      expect(purchase.total).toBeCloseTo(purchase.unit_price * purchase.quantity, 2);
    }
  });

  it('maps a cursor back to the next record index', () => {
    expect(firstIndexAfter(updatedAtSeconds(0))).toBe(1);
    expect(firstIndexAfter(updatedAtSeconds(999))).toBe(1000);
    expect(firstIndexAfter(updatedAtSeconds(0) - 100)).toBe(0);
  });
});
