/** Types of the temporal.mjs functions the TypeScript test helpers (testing/src/temporal.ts) reuse. */

/** The Temporal CLI: TEMPORAL_CLI, PATH, or built once into the cache by tools/ensure-temporal.sh. */
export function temporalCli(): Promise<string>;

/** Resolves once `namespace` answers on `address`; rejects after `timeoutMs` or when `gaveUp()` returns a reason. */
export function waitForTemporal(
  address: string,
  namespace: string,
  options: { timeoutMs: number; gaveUp: () => string | false | undefined | null },
): Promise<void>;

/** `temporal server start-dev` on 127.0.0.1:port, without its web UI unless uiPort is given; in memory unless dbFile */
export function devServerArgs(options: { port: number; namespace?: string; dbFile?: string; uiPort?: number; logLevel: string }): string[];
