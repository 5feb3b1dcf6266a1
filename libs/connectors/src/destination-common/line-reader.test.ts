import { describe, expect, it } from 'vitest';
import { LineReader } from './line-reader.js';

function split(chunks: string[], maxLineBytes?: number): { lines: string[]; oversized: number[] } {
  const lines: string[] = [];
  const oversized: number[] = [];
  const reader = new LineReader((buf, start, end) => lines.push(buf.toString('utf8', start, end)), {
    ...(maxLineBytes ? { maxLineBytes } : {}),
    onOversizedLine: (bytes) => oversized.push(bytes),
  });
  for (const chunk of chunks) reader.push(Buffer.from(chunk));
  reader.end();
  return { lines, oversized };
}

describe('LineReader', () => {
  it('splits lines across chunk boundaries, dropping CR and empty lines', () => {
    expect(split(['a\nb', 'c\r\n\n', 'd', 'e', '\nf']).lines).toEqual(['a', 'bc', 'de', 'f']);
  });

  it('skips a line over the size limit and carries on with the next', () => {
    const { lines, oversized } = split(['ok\n', '0123456789', '0123456789', 'xx\nnext\n', '0123456789abc\nlast'], 12);
    expect(lines).toEqual(['ok', 'next', 'last']);
    expect(oversized.length).toBe(2);
  });
});
