import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { TRIBUTARY_VERSION } from './version.js';

it('platform version matches the root package.json', () => {
  const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(TRIBUTARY_VERSION).toBe(root.version);
});
