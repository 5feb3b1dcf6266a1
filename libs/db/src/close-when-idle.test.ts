import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeWhenIdle, createDataSource } from './data-source.js';
import { preparedQuery } from './prepared-query.js';
import { createMigratedDatabase, type MigratedDatabase } from '@tributary/testing/db';

describe('closeWhenIdle', () => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await createMigratedDatabase('close-when-idle');
  });
  afterAll(() => database?.close());

  /** a DataSource whose one query waits on a lock held elsewhere until `release()` */
  async function busyDataSource() {
    const locker = database.dataSource.createQueryRunner();
    await locker.startTransaction();
    await locker.query('LOCK TABLE workspace IN ACCESS EXCLUSIVE MODE');
    const busy = await createDataSource({ url: database.db.url, applicationName: 'close-when-idle-test' }).initialize();
    const query = preparedQuery<{ n: number }>(busy, 'SELECT count(*)::int AS n FROM workspace', []);
    query.catch(() => undefined);
    const deadline = Date.now() + 10_000;
    const waiting = async () =>
      (
        await database.dataSource.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'close-when-idle-test' AND wait_event_type = 'Lock'`,
        )
      )[0].n as number;
    while ((await waiting()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(await waiting()).toBe(1);
    return {
      busy,
      query,
      release: async () => {
        if (locker.isTransactionActive) await locker.commitTransaction();
        await locker.release();
      },
    };
  }

  it('waits for a running query to finish before closing', async () => {
    const { busy, query, release } = await busyDataSource();
    const closed = closeWhenIdle(busy, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(busy.isInitialized).toBe(true);
    await release();
    expect(await query).toEqual([{ n: expect.any(Number) }]);
    await closed;
    expect(busy.isInitialized).toBe(false);
  });

  it('gives up on a query that does not finish within the grace period', async () => {
    const { busy, query, release } = await busyDataSource();
    try {
      const started = Date.now();
      await closeWhenIdle(busy, 300);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(busy.isInitialized).toBe(false);
      // destroy() ended it
      await expect(query).rejects.toThrow();
    } finally {
      await release();
    }
  });
});
