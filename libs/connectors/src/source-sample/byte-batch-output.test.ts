import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { piece } from './ascii-builder.js';
import { ByteBatchOutput } from './byte-batch-output.js';

/** a consumer that takes `delayMs` per write and records what it got */
function slowSink(delayMs: number) {
  const received: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      setTimeout(() => {
        // read the chunk only when the write completes: a buffer reused too early would show here
        received.push(Buffer.from(chunk));
        callback();
      }, delayMs);
    },
  });
  return { sink, text: () => Buffer.concat(received).toString('utf8') };
}

describe('ByteBatchOutput', () => {
  it('delivers pieces and messages in order, reusing buffers only after they are written', async () => {
    const { sink, text } = slowSink(5);
    const output = new ByteBatchOutput(sink, { batchBytes: 1024, reserveBytes: 256, maxInFlight: 2 });
    const line = piece('{"n":"ünïcode ok"}\n');
    let expected = '';
    for (let i = 0; i < 500; i++) {
      output.builder.piece(line);
      expected += '{"n":"ünïcode ok"}\n';
      if (i % 100 === 0) {
        await output.message(`{"i":${i}}`);
        expected += `{"i":${i}}\n`;
      }
      if (output.full) await output.flush();
    }
    await output.flush();
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(text()).toBe(expected);
  });

  it('waits while maxInFlight batches are unwritten', async () => {
    const { sink } = slowSink(30);
    const output = new ByteBatchOutput(sink, { batchBytes: 16, maxInFlight: 2 });
    const started = Date.now();
    for (let i = 0; i < 4; i++) {
      output.builder.piece(piece('0123456789abcdef\n'));
      await output.flush();
    }
    // the Writable runs one write at a time: the 3rd and 4th flush had to wait for earlier ones
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });
});
