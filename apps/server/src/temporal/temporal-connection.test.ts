// The API's Temporal connection against a real gRPC failure: nothing listens on port 1, so
// every attempt fails UNAVAILABLE at once and the retry interceptor's timing is all there is.
import { afterEach, describe, expect, it } from 'vitest';
import { isTemporalUnreachable } from './temporal-rpc.js';
import { lazyTemporalConnection, type TemporalConnection } from './temporal-connection.js';

const UNREACHABLE = '127.0.0.1:1';

describe('lazyTemporalConnection', () => {
  let temporal: TemporalConnection | undefined;
  afterEach(async () => {
    await temporal?.close();
    temporal = undefined;
  });

  it('answers a call by its deadline, not after the backoff that would come next', async () => {
    temporal = lazyTemporalConnection(UNREACHABLE);
    const { connection } = temporal;
    for (const ms of [1000, 2000]) {
      const started = Date.now();
      const error = await connection
        .withDeadline(Date.now() + ms, () => connection.workflowService.getSystemInfo({}))
        .catch((e: unknown) => e);
      const took = Date.now() - started;
      expect(isTemporalUnreachable(error), String(error)).toBe(true);
      // the SDK's own interceptor answered after ~1.9 s and ~3 s
      expect(took).toBeGreaterThanOrEqual(ms - 50);
      expect(took).toBeLessThan(ms + 300);
    }
  });

  it('closes without a retry left to run on the closed channel, and the abandoned call settles', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      temporal = lazyTemporalConnection(UNREACHABLE);
      const { connection } = temporal;
      // no deadline, and nobody waiting: as a call of a Promise.all that already failed
      let settled = false;
      void connection.workflowService.getSystemInfo({}).catch(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 700));
      await temporal.close();
      temporal = undefined;
      // the SDK waits at most 5 s between attempts
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      expect(uncaught.map(String)).toEqual([]);
      expect(settled).toBe(true);
    } finally {
      process.off('uncaughtException', record);
    }
  }, 20_000);
});
