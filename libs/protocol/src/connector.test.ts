import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { ConnectorError, normaliseStateInput, parseConnectorArgs } from './connector.js';
import { MessageWriter } from './writer.js';
import { decodeLine } from './decode.js';

describe('parseConnectorArgs', () => {
  it('parses each command with its files', () => {
    expect(parseConnectorArgs(['spec'])).toEqual({ command: 'spec' });
    expect(parseConnectorArgs(['read', '--config', 'c.json', '--catalog', 'k.json', '--state', 's.json'])).toEqual({
      command: 'read',
      config: 'c.json',
      catalog: 'k.json',
      state: 's.json',
    });
  });

  it('rejects unknown commands and missing files as config errors', () => {
    expect(() => parseConnectorArgs(['fly'])).toThrow(/usage: <spec\|check\|discover\|read\|write>/);
    const err = (() => {
      try {
        parseConnectorArgs(['write', '--config', 'c.json']);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).failureType).toBe('config_error');
    expect((err as ConnectorError).message).toBe('write needs --catalog FILE');
  });
});

describe('normaliseStateInput', () => {
  it('keeps arrays of state messages and wraps a legacy blob', () => {
    const stream = [{ type: 'STREAM' as const, stream: { stream_descriptor: { name: 'u' }, stream_state: { c: 1 } } }];
    expect(normaliseStateInput(stream)).toBe(stream);
    expect(normaliseStateInput({ cursor: 5 })).toEqual([{ type: 'LEGACY', data: { cursor: 5 } }]);
    expect(normaliseStateInput(null)).toBeUndefined();
  });
});

describe('MessageWriter', () => {
  it('batches lines and waits for a slow consumer', async () => {
    const writes: string[] = [];
    let release: (() => void) | undefined;
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, cb) {
        writes.push(chunk.toString());
        release = cb; // complete only when the test says so
      },
    });
    const out = new MessageWriter(slow, 32);
    expect(out.record('users', { id: 1 }, undefined, 7)).toBeDefined(); // one line > 32 bytes: flushed, must wait
    let drained = false;
    const waiting = out.flush().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(drained).toBe(false);
    release?.();
    await waiting;
    expect(drained).toBe(true);
    expect(decodeLine(writes[0]!.trim())).toMatchObject({ kind: 'message', message: { record: { stream: 'users', data: { id: 1 }, emitted_at: 7 } } });
  });

  it('emits TRACE errors with failure type', async () => {
    const chunks: string[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c.toString()), cb()) });
    const out = new MessageWriter(sink);
    await out.traceError('bad password', 'config_error', { internalMessage: 'auth failed' });
    await out.close();
    const d = decodeLine(chunks.join('').trim());
    expect(d).toMatchObject({ kind: 'message', message: { type: 'TRACE', trace: { type: 'ERROR', error: { message: 'bad password', failure_type: 'config_error', internal_message: 'auth failed' } } } });
  });
});
