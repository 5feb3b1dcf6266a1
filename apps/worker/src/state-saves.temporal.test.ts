// Committed state is saved, or the attempt fails: a PostgreSQL that refuses the save for a moment
// (restarting) is waited out; one that keeps refusing fails the attempt rather than letting the
// sync succeed without its state (the next sync would send the destination those records again).
// The refusal is real: a trigger on connection_state that raises, as a server going down would.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionStateEntity } from '@tributary/db';
import { startHarness, type Harness } from '@tributary/testing/worker';

describe('saving committed state', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ stateSaveRetry: { retries: 3, minTimeout: 50, maxTimeout: 200 } });
  });
  afterAll(() => h?.stop());
  afterEach(async () => {
    await h.dataSource.query('DROP TRIGGER IF EXISTS refuse_state ON connection_state');
  });

  /** The next `times` state saves fail with a database error (all of them for Infinity). */
  async function refuseStateSaves(times: number): Promise<void> {
    await h.dataSource.query('DROP SEQUENCE IF EXISTS refused_saves');
    await h.dataSource.query('CREATE SEQUENCE refused_saves');
    await h.dataSource.query(`
      CREATE OR REPLACE FUNCTION refuse_state() RETURNS trigger AS $$
      BEGIN
        IF nextval('refused_saves') <= ${Number.isFinite(times) ? times : 2147483647} THEN
          RAISE EXCEPTION 'the database system is starting up';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await h.dataSource.query(
      'CREATE TRIGGER refuse_state BEFORE INSERT OR UPDATE ON connection_state FOR EACH ROW EXECUTE FUNCTION refuse_state()',
    );
  }

  async function sync(count: number) {
    const { connectionId } = await h.seedConnection({ sourceConfig: { count, records_per_state: 100 } });
    const result = await h.runSyncJob(connectionId, { retryPolicy: { maxSuccessiveCompleteFailures: 1, maxSuccessivePartialFailures: 1 } });
    const saved = await h.dataSource.getRepository(ConnectionStateEntity).findOneBy({ connectionId });
    return { result, saved };
  }

  it('waits out a database that refuses a few saves: the sync succeeds with its final state saved', async () => {
    await refuseStateSaves(2);
    const { result, saved } = await sync(500);
    expect(result.status, JSON.stringify(result.failures)).toBe('succeeded');
    expect(result.attempts).toHaveLength(1);
    expect(JSON.stringify(saved?.state)).toContain('"cursor"');
    expect(saved?.state).toHaveLength(1);
  });

  it('fails the attempt when the state cannot be saved, and never reports success without it', async () => {
    await refuseStateSaves(Infinity);
    const { result, saved } = await sync(500);
    expect(result.status).toBe('failed');
    expect(result.failures[0]).toMatchObject({
      origin: 'platform',
      type: 'transient_error',
      message: expect.stringContaining('could not save the committed state: the database system is starting up'),
    });
    expect(saved).toBeNull();
  });
});
