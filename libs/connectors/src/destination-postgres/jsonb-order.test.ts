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

describe('JsonbOrder.sortedNoted', () => {
  /** Some object out of jsonb's order holds an object or array: its scan notes it without its members. */
  function unsortedBranch(value: unknown): boolean {
    if (Array.isArray(value)) return value.some(unsortedBranch);
    if (value === null || typeof value !== 'object') return false;
    const keys = Object.keys(value);
    const values = Object.values(value);
    const outOfOrder = keys.some((k, i) => i > 0 && jsonbKeyOrder(keys[i - 1]!, k) > 0);
    return (outOfOrder && values.some((v) => v !== null && typeof v === 'object')) || values.some(unsortedBranch);
  }

  it('gives what the walk gives, from the objects the scan of the line noted', () => {
    const order = new JsonbOrder();
    const scan = new RecordScan();
    fc.assert(
      fc.property(json, json, (first, second) => {
        const line = Buffer.from(JSON.stringify({ type: 'RECORD', record: { stream: 's', data: { a: first, b: second } } }));
        expect(scan.scan(line, 0, line.length)).toBe(true);
        [first, second].forEach((value, n) => {
          // containers only: a string's span leaves out its quotes, and scalars are never sorted
          if (value === null || typeof value !== 'object') return;
          const sorted = order.sortedNoted(line, scan.valueStart[n]!, scan.valueEnd[n]!, scan.unsortedObjects)?.toString();
          if (unsortedBranch(value)) expect(sorted).toBeUndefined();
          else expect(sorted).toBe(sortedModel(value));
        });
      }),
      { numRuns: 2000 },
    );
  });

  it("takes the objects noted by valueAt since the line's reset", () => {
    const order = new JsonbOrder();
    const scan = new RecordScan();
    const line = Buffer.from('[{"k9":9,"b":1,"a":2},{"zz":1,"y":2}]');
    // an earlier line's objects at the same places must not count: reset() drops them
    expect(scan.valueAt(Buffer.from('{"b":1,"a":2}'), 0, 13)).toBe(13);
    scan.unsortedObjects.reset();
    expect(scan.valueAt(line, 1, 21)).toBe(21);
    expect(scan.valueAt(line, 22, 36)).toBe(36);
    expect(order.sortedNoted(line, 1, 21, scan.unsortedObjects)?.toString()).toBe('{"a":2,"b":1,"k9":9}');
    expect(order.sortedNoted(line, 22, 36, scan.unsortedObjects)?.toString()).toBe('{"y":2,"zz":1}');
    expect(order.sortedNoted(line, 0, line.length, scan.unsortedObjects)?.toString()).toBe('[{"a":2,"b":1,"k9":9},{"y":2,"zz":1}]');
  });

  it('sorts a value with whitespace too, its members kept as written and one comma between them', () => {
    const order = new JsonbOrder();
    const scan = new RecordScan();
    fc.assert(
      fc.property(json, fc.constantFrom(1, '\t', ' \n'), (value, indent) => {
        const text = Buffer.from(JSON.stringify(value, null, indent));
        scan.unsortedObjects.reset();
        expect(scan.valueAt(text, 0, text.length)).toBe(text.length);
        const sorted = order.sortedNoted(text, 0, text.length, scan.unsortedObjects);
        if (unsortedBranch(value)) {
          expect(sorted).toBeUndefined();
          return;
        }
        expect(JSON.parse(sorted!.toString())).toEqual(JSON.parse(text.toString()));
        // scanned again, no object in it is out of order
        const again = Buffer.from(sorted!);
        scan.unsortedObjects.reset();
        expect(scan.valueAt(again, 0, again.length)).toBe(again.length);
        expect(scan.unsortedObjects.count).toBe(0);
      }),
      { numRuns: 1000 },
    );
    const spaced = Buffer.from('{ "b" : 1 ,\n "a": [ 2 ] , "c":3 }');
    scan.unsortedObjects.reset();
    scan.valueAt(spaced, 0, spaced.length);
    expect(order.sortedNoted(spaced, 0, spaced.length, scan.unsortedObjects)).toBeUndefined();
    const flat = Buffer.from('{ "b" : 1 ,\n "a": "x y" , "c":3 }');
    scan.unsortedObjects.reset();
    scan.valueAt(flat, 0, flat.length);
    expect(order.sortedNoted(flat, 0, flat.length, scan.unsortedObjects)?.toString()).toBe('{ "a": "x y","b" : 1,"c":3 }');
  });

  it('keeps a key written twice in its order, so the last one still wins', () => {
    const text = Buffer.from('{"k9":9,"dup":1,"k1":1,"k2":2,"dup":2,"k3":3,"k4":4,"k5":5,"a":0}');
    const scan = new RecordScan();
    scan.valueAt(text, 0, text.length);
    expect(new JsonbOrder().sortedNoted(text, 0, text.length, scan.unsortedObjects)?.toString()).toBe(
      '{"a":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k9":9,"dup":1,"dup":2}',
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
