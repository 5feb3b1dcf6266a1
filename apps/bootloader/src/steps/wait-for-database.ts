import pg from 'pg';
import type { Logger } from '@tributary/config';

/** Waits until Postgres accepts a connection, retrying with capped exponential backoff. */
export async function waitForDatabase(url: string, timeoutMs: number, logger: Logger): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (Date.now() + delay > deadline) {
        throw new Error(`database not reachable after ${attempt} attempts in ${Math.round(timeoutMs / 1000)} s: ${reason} (check DATABASE_URL)`);
      }
      logger.warn({ attempt, retryInMs: delay, reason }, 'database not ready yet');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5_000);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
