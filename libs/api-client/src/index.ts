export { createTributaryClient, type TributaryClient, type TributaryClientOptions, type Schemas, type Problem } from './client.js';
export type { paths, components, operations } from './schema.js';
