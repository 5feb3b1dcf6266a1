import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with the app name and redacts secrets at any of three levels', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: 'test', level: 'info', destination });
    logger.info({ password: 'p1', source: { token: 't1', nested: { secret: 's1' } }, visible: 'ok' }, 'hello');
    const text = JSON.stringify(lines);
    expect(lines[0]).toMatchObject({ name: 'test', msg: 'hello', visible: 'ok', password: '[redacted]' });
    expect(text).not.toMatch(/p1|t1|s1/);
  });

  it('drops lines below its level', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'test', level: 'warn', destination }).info('quiet');
    expect(lines).toEqual([]);
  });
});
