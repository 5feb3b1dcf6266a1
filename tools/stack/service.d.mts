/** Types of service.mjs, for its tests. */
export function errorMessage(line: string): string | undefined;
