import { describe, expect, it } from 'vitest';
import { LineSplitter, LineTooLongError, readLines } from './framing.js';

const collect = (chunks: (string | Buffer)[], maxLineBytes?: number) => {
  const lines: string[] = [];
  const splitter = new LineSplitter((l) => lines.push(l.toString()), maxLineBytes ? { maxLineBytes } : {});
  for (const c of chunks) splitter.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  splitter.end();
  return lines;
};

describe('LineSplitter', () => {
  it('joins lines split across chunks', () => {
    expect(collect(['{"a"', ':1}\n{"b":', '2}\n'])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('strips CRLF and skips empty lines', () => {
    expect(collect(['one\r\n\r\ntwo\r', '\nthree'])).toEqual(['one', 'two', 'three']);
  });

  it('keeps multi-byte characters split between chunks intact', () => {
    const bytes = Buffer.from('{"name":"Zoë 🚀"}\n');
    expect(collect([bytes.subarray(0, 12), bytes.subarray(12)])).toEqual(['{"name":"Zoë 🚀"}']);
  });

  it('flushes a final line without newline only on end()', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l.toString()));
    s.push(Buffer.from('tail'));
    expect(lines).toEqual([]);
    s.end();
    expect(lines).toEqual(['tail']);
  });

  it('handles a very long line made of many chunks', () => {
    const chunk = 'x'.repeat(64 * 1024);
    const lines = collect([...Array.from({ length: 32 }, () => chunk), '\nnext\n']);
    expect(lines[0]).toHaveLength(32 * 64 * 1024);
    expect(lines[1]).toBe('next');
  });

  it('throws a clear LineTooLongError past the cap, split or whole', () => {
    expect(() => collect(['x'.repeat(20), 'y'.repeat(20)], 32)).toThrow(LineTooLongError);
    expect(() => collect(['x'.repeat(40) + '\n'], 32)).toThrow(/exceeds the 32 byte limit/);
  });
});

describe('readLines', () => {
  it('iterates lines of an async byte source', async () => {
    async function* source() {
      yield 'a\nb';
      yield Buffer.from('c\nd\n');
    }
    const out: string[] = [];
    for await (const line of readLines(source())) out.push(line.toString());
    expect(out).toEqual(['a', 'bc', 'd']);
  });
});
