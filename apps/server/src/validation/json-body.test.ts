import { describe, expect, it } from 'vitest';
import { DomainError } from '@tributary/domain';
import { MAX_JSON_DEPTH, nestsDeeperThan, parseJsonBody } from './json-body.js';

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('JSON request bodies', () => {
  it('counts nesting outside strings only: brackets and escaped quotes inside strings do not count', () => {
    expect(nestsDeeperThan(nested(3), 3)).toBe(false);
    expect(nestsDeeperThan(nested(4), 3)).toBe(true);
    expect(nestsDeeperThan(`{"a": "${'['.repeat(100)}"}`, 3)).toBe(false);
    expect(nestsDeeperThan(`{"a": "\\"[[[[[", "b": [[1]]}`, 3)).toBe(false);
    expect(nestsDeeperThan(`{"a": "\\\\", "b": [[[1]]]}`, 3)).toBe(true);
  });

  it('accepts the deepest allowed body and rejects one level more, naming the body', () => {
    expect(parseJsonBody(nested(MAX_JSON_DEPTH))).toBeInstanceOf(Array);
    const error = (() => {
      try {
        parseJsonBody(nested(MAX_JSON_DEPTH + 1));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).details.fieldErrors).toEqual([{ path: '', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` }]);
  });

  it('names every unstorable value by its JSON pointer, escaping ~ and / in keys', () => {
    const fieldErrors = (text: string) => {
      try {
        parseJsonBody(text);
        return [];
      } catch (e) {
        return ((e as DomainError).details.fieldErrors ?? []).map((f) => f.path);
      }
    };
    expect(fieldErrors('{"a/b": {"c~d": "\\u0000"}, "n": [1, 1e400], "s": "\\ud83d\\ude00 ok"}')).toEqual(['/a~1b/c~0d', '/n/1']);
    expect(fieldErrors('{"__proto__": {"x": 1}}')).toEqual(['/__proto__']);
    expect(parseJsonBody('  ')).toBeUndefined();
  });
});
