/** Types of ports.mjs, for the TypeScript test helpers (tools/testing) that reuse it. */
export function freePort(): Promise<number>;
