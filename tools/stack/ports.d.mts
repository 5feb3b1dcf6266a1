/** Types of ports.mjs, for the TypeScript test helpers (testing/src) that reuse it. */
export function freePort(): Promise<number>;
