import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CopyBuffer, splitChunks } from './copy-buffer.js';

/** Appends, takes, partial takes and rewinds, in any order, against a plain byte array as the model. */
const operation = fc.oneof(
  fc.record({
    op: fc.constant('write' as const),
    // rows are mostly small: many batches then share a chunk
    length: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 300_000 })),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ op: fc.constant('rewound' as const), length: fc.integer({ min: 0, max: 1_500_000 }) }),
  fc.record({ op: fc.constant('takeUpTo' as const), fraction: fc.double({ min: 0, max: 1.2, noNaN: true }) }),
  fc.record({ op: fc.constant('take' as const) }),
  fc.record({ op: fc.constant('sent' as const) }),
);

describe('CopyBuffer', () => {
  it('hands out exactly the bytes appended, in order, however they are taken and their memory reused', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 10, maxLength: 60 }), (operations) => {
        CopyBuffer.dropSpareChunks();
        const buffer = new CopyBuffer();
        let model = Buffer.alloc(0);
        // batches handed out and not yet done with, oldest first, with the bytes each must hold:
        // several wait at once (the writer queues them), and 'sent' finishes the oldest
        const outstanding: { chunks: Buffer[]; expected: Buffer }[] = [];
        const check = (batch: { chunks: Buffer[]; expected: Buffer }) =>
          expect(Buffer.concat(batch.chunks).equals(batch.expected)).toBe(true);
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
            outstanding.push({ chunks: buffer.takeUpTo(bytes), expected: model.subarray(0, bytes) });
            model = model.subarray(bytes);
          } else if (o.op === 'take') {
            outstanding.push({ chunks: buffer.take(), expected: model });
            model = Buffer.alloc(0);
          } else if (outstanding.length > 0) {
            // the oldest batch's COPY is done: what it sent is checked, then its memory is reused
            const batch = outstanding.shift()!;
            check(batch);
            buffer.recycle(batch.chunks);
          }
          expect(buffer.bytes).toBe(model.length);
        }
        for (const batch of outstanding) check(batch);
        expect(Buffer.concat(buffer.take()).equals(model)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps a batch intact while an older batch that shares its memory is recycled', () => {
    CopyBuffer.dropSpareChunks();
    const buffer = new CopyBuffer();
    buffer.bytesField(Buffer.alloc(1000, 1));
    const older = buffer.takeUpTo(504);
    buffer.bytesField(Buffer.alloc(1000, 2));
    const newer = buffer.take(); // the rest of the chunk `older` began
    const newerBytes = Buffer.from(Buffer.concat(newer));
    buffer.recycle(older);
    buffer.bytesField(Buffer.alloc(5000, 3)); // a new chunk: it must not be the one `newer` still waits in
    expect(Buffer.concat(newer).equals(newerBytes)).toBe(true);
    buffer.recycle(newer);
    buffer.bytesField(Buffer.alloc(5000, 4));
    expect(
      Buffer.concat(buffer.take())
        .subarray(0, 5004)
        .equals(Buffer.concat([Buffer.from([0, 0, 0x13, 0x88]), Buffer.alloc(5000, 3)])),
    ).toBe(true);
  });

  it('reuses the memory of sent chunks, but not while it still holds part of a chunk', () => {
    CopyBuffer.dropSpareChunks();
    const buffer = new CopyBuffer();
    buffer.bytesField(Buffer.alloc(600_000, 1));
    const sent = buffer.takeUpTo(100_000); // the rest of that chunk stays in the buffer
    buffer.recycle(sent);
    buffer.bytesField(Buffer.alloc(600_000, 2)); // needs a new chunk: it must not be the one still held
    const length = Buffer.alloc(4);
    length.writeInt32BE(600_000);
    expect(Buffer.concat(buffer.take()).equals(Buffer.concat([Buffer.alloc(500_004, 1), length, Buffer.alloc(600_000, 2)]))).toBe(true);
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
