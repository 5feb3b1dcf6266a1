import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordScan, UNSORTED_MIN_MEMBERS, ValueFlag } from '../destination-common/record-scan.js';
import { JsonbOrder } from './jsonb-order.js';

/** A key's bytes as written in JSON (escapes kept), which is what JsonbOrder compares. */
const writtenKey = (key: string) => Buffer.from(JSON.stringify(key).slice(1, -1));
const jsonbKeyOrder = (a: string, b: string) => {
  const [x, y] = [writtenKey(a), writtenKey(b)];
  return x.length - y.length || Buffer.compare(x, y);
};

/** The model: compact JSON with every object's keys in jsonb's order (shorter first, then bytewise). */
function sortedModel(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedModel).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort(jsonbKeyOrder);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedModel(object[k])}`).join(',')}}`;
}

const key = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.constantFrom('id', 'a', 'zip', '10', '2'),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 0 }), tie('object'), fc.array(tie('value'), { maxLength: 4 })),
  object: fc.dictionary(key, tie('value'), { maxKeys: 12 }),
})).value;

describe('JsonbOrder', () => {
  it("rewrites any compact value with each object's keys in jsonb's order and the same values", () => {
    const order = new JsonbOrder();
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 3 }), (value, offset) => {
        const text = Buffer.from(`${'x'.repeat(offset)}${JSON.stringify(value)}x`);
        const sorted = order.sorted(text, offset, text.length - 1)?.toString('utf8');
        expect(sorted).toBe(sortedModel(value));
        expect(JSON.parse(sorted!)).toEqual(JSON.parse(text.toString('utf8', offset, text.length - 1)));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves a value with whitespace between its tokens as it is, or sorts it right', () => {
    const order = new JsonbOrder();
    fc.assert(
      fc.property(json, fc.constantFrom(1, '\t', ' \n'), (value, indent) => {
        const text = Buffer.from(JSON.stringify(value, null, indent));
        const sorted = order.sorted(text, 0, text.length)?.toString('utf8');
        // whitespace inside a number's span is kept; anything else makes it give up
        if (sorted !== undefined) expect(JSON.parse(sorted)).toEqual(JSON.parse(text.toString()));
      }),
      { numRuns: 1000 },
    );
    const spaced = Buffer.from('{ "b": 1, "a": 2 }');
    expect(order.sorted(spaced, 0, spaced.length)).toBeUndefined();
  });

  it('keeps a key written twice in its order, so the last one still wins', () => {
    const text = Buffer.from('{"k9":9,"dup":1,"k1":1,"k2":2,"dup":2,"k3":3,"k4":4,"k5":5,"a":0}');
    expect(new JsonbOrder().sorted(text, 0, text.length)?.toString()).toBe(
      '{"a":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k9":9,"dup":1,"dup":2}',
    );
  });

  it('sorts objects of as many members as the last one but other keys or another order', () => {
    // the order the last object of 9 members took is tried first: it must be checked, not trusted
    const order = new JsonbOrder();
    const sorted = (text: string) => order.sorted(Buffer.from(text), 0, Buffer.byteLength(text))?.toString();
    const inOrder = '{"a":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k9":9,"dup":1,"dup":2}';
    expect(sorted('{"k9":9,"dup":1,"k1":1,"k2":2,"dup":2,"k3":3,"k4":4,"k5":5,"a":0}')).toBe(inOrder);
    // the same keys again, the same order, then the two "dup" swapped: the last written still last
    expect(sorted('{"k9":9,"dup":1,"k1":1,"k2":2,"dup":2,"k3":3,"k4":4,"k5":5,"a":0}')).toBe(inOrder);
    expect(sorted('{"k9":9,"dup":2,"k1":1,"k2":2,"dup":1,"k3":3,"k4":4,"k5":5,"a":0}')).toBe(
      '{"a":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k9":9,"dup":2,"dup":1}',
    );
    // keys that tie on length and first bytes, in the other order
    expect(sorted('{"address2":2,"address1":1,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7}')).toBe(
      '{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"address1":1,"address2":2}',
    );
    expect(sorted('{"address1":1,"address2":2,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7}')).toBe(
      '{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"address1":1,"address2":2}',
    );
    expect(sorted('{"k7":7,"address2":2,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"address1":1}')).toBe(
      '{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"address1":1,"address2":2}',
    );
  });
});

describe('RecordScan Unsorted flag', () => {
  /** True when some object inside has UNSORTED_MIN_MEMBERS or more keys out of jsonb's order. */
  function unsortedModel(value: unknown): boolean {
    if (Array.isArray(value)) return value.some(unsortedModel);
    if (value === null || typeof value !== 'object') return false;
    const keys = Object.keys(value);
    const outOfOrder = keys.some((k, i) => i > 0 && jsonbKeyOrder(keys[i - 1]!, k) > 0);
    return (keys.length >= UNSORTED_MIN_MEMBERS && outOfOrder) || Object.values(value).some(unsortedModel);
  }

  it("flags a value exactly when one of its objects is big and not in jsonb's order", () => {
    const scan = new RecordScan();
    fc.assert(
      fc.property(json, (value) => {
        const line = Buffer.from(JSON.stringify({ type: 'RECORD', record: { stream: 's', data: { v: value } } }));
        expect(scan.scan(line, 0, line.length)).toBe(true);
        // JSON.stringify writes keys in the parsed object's order, which is the text's order
        expect((scan.valueFlags[0]! & ValueFlag.Unsorted) !== 0).toBe(unsortedModel(value));
      }),
      { numRuns: 2000 },
    );
  });
});
