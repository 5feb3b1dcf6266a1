import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateClientFiles } from './generate-client-files.js';

const committed = (path: string) => readFile(fileURLToPath(new URL(`../../../../libs/api-client/${path}`, import.meta.url)), 'utf8');
const HOW_TO_FIX = 'the API changed: run `npm run openapi:generate -w @tributary/server` and commit libs/api-client';

describe('committed API contract', () => {
  it('openapi.json and the generated client types match the code (no drift)', async () => {
    const generated = await generateClientFiles();
    expect(generated.openapiJson === (await committed('openapi.json')), `openapi.json: ${HOW_TO_FIX}`).toBe(true);
    expect(generated.schemaTs === (await committed('src/schema.ts')), `src/schema.ts: ${HOW_TO_FIX}`).toBe(true);
  });
});
