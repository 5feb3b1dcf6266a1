import { describe, expect, it } from 'vitest';
import { listPageOf } from './list-page';

describe('listPageOf', () => {
  it('sends a page of one connection, source or destination to its list', () => {
    expect(listPageOf('/connections/0b5c0a4e-5a1f-4f7e-9c1e-2d1b6f1f0a11')).toBe('/connections');
    expect(listPageOf('/sources/abc')).toBe('/sources');
    expect(listPageOf('/destinations/abc/extra')).toBe('/destinations');
  });

  it('keeps lists, forms for a new one and every other page', () => {
    for (const path of ['/connections', '/connections/new', '/sources/new', '/destinations/new', '/catalog', '/settings', '/']) {
      expect(listPageOf(path)).toBe(path);
    }
  });
});
