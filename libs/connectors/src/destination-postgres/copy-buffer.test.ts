import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CopyBuffer, splitChunks } from './copy-buffer.js';

/** Appends, takes, partial takes and rewinds, in any order, against a plain byte array as the model. */
const operation = fc.oneof(
  fc.record({ op: fc.constant('write' as const), length: fc.integer({ min: 0, max: 300_000 }), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('rewound' as const), length: fc.integer({ min: 0, max: 1_500_000 }) }),
  fc.record({ op: fc.constant('takeUpTo' as const), fraction: fc.double({ min: 0, max: 1.2, noNaN: true }) }),
  fc.record({ op: fc.constant('take' as const) }),
);

describe('CopyBuffer', () => {
  it('hands out exactly the bytes appended, in order, however they are taken', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 30 }), (operations) => {
        const buffer = new CopyBuffer();
        let model = Buffer.alloc(0);
        const sent: Buffer[] = [];
        const expected: Buffer[] = [];
        for (const o of operations) {
          if (o.op === 'write') {
            buffer.bytesField(Buffer.alloc(o.length, o.byte));
            const length = Buffer.alloc(4);
            length.writeInt32BE(o.length);
            model = Buffer.concat([model, length, Buffer.alloc(o.length, o.byte)]);
          } else if (o.op === 'rewound') {
            // a row begun, then dropped: nothing of it stays, even when it started a new chunk
            buffer.mark();
            buffer.bytesField(Buffer.alloc(o.length, 7));
            buffer.rewind();
          } else if (o.op === 'takeUpTo') {
            const bytes = Math.floor(model.length * o.fraction);
            sent.push(...buffer.takeUpTo(bytes));
            expected.push(model.subarray(0, bytes));
            model = model.subarray(bytes);
          } else {
            sent.push(...buffer.take());
            expected.push(model);
            model = Buffer.alloc(0);
          }
          expect(buffer.bytes).toBe(model.length);
        }
        sent.push(...buffer.take());
        expected.push(model);
        expect(Buffer.concat(sent).equals(Buffer.concat(expected))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps what it handed out intact while it goes on writing after a partial take', () => {
    const buffer = new CopyBuffer();
    buffer.bytesField(Buffer.from('first'));
    const [taken] = buffer.takeUpTo(9);
    buffer.bytesField(Buffer.from('second'));
    buffer.bytesField(Buffer.from('third'));
    expect(taken!.subarray(4).toString()).toBe('first');
    expect(Buffer.concat(buffer.take()).toString('latin1')).toBe('\0\0\0\x06second\0\0\0\x05third');
  });

  it('sets the field count of the row started last, even after its fields started a new chunk', () => {
    const buffer = new CopyBuffer();
    buffer.bytesField(Buffer.alloc(1024 * 1024 - 10)); // the row header lands near the end of the first chunk
    buffer.row(3);
    buffer.bytesField(Buffer.alloc(100, 1));
    buffer.bytesField(Buffer.alloc(100, 2));
    buffer.setRowFields(2);
    const bytes = Buffer.concat(buffer.take());
    expect(bytes.readInt16BE(1024 * 1024 - 6)).toBe(2);
    expect(bytes.length).toBe(1024 * 1024 - 6 + 2 + 2 * 104);
  });
});

describe('splitChunks', () => {
  it('splits chunks after any number of bytes, the two parts together being the whole', () => {
    const chunks = fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 6 });
    fc.assert(
      fc.property(chunks, fc.double({ min: 0, max: 1, noNaN: true }), (arrays, fraction) => {
        const input = arrays.map((a) => Buffer.from(a));
        const whole = Buffer.concat(input);
        const at = Math.floor(whole.length * fraction);
        const [head, rest] = splitChunks(input, at);
        expect(Buffer.concat(head).equals(whole.subarray(0, at))).toBe(true);
        expect(Buffer.concat(rest).equals(whole.subarray(at))).toBe(true);
      }),
    );
  });
});
