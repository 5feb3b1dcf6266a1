/** A logger whose lines a test reads back as objects (`lines`), instead of printing them. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@tributary/config';

export function capturedLogger(name: string): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    name,
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        callback();
      },
    }),
  });
  return { logger, lines };
}
