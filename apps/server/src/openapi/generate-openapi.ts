/** `npm run openapi:generate -w @tributary/server`: rewrites the committed API contract in libs/api-client. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generateClientFiles } from './generate-client-files.js';

export const OPENAPI_JSON_PATH = fileURLToPath(new URL('../../../../libs/api-client/openapi.json', import.meta.url));
export const SCHEMA_TS_PATH = fileURLToPath(new URL('../../../../libs/api-client/src/schema.ts', import.meta.url));

const files = await generateClientFiles();
await writeFile(OPENAPI_JSON_PATH, files.openapiJson);
await writeFile(SCHEMA_TS_PATH, files.schemaTs);
process.stdout.write(`wrote ${OPENAPI_JSON_PATH}\nwrote ${SCHEMA_TS_PATH}\n`);
