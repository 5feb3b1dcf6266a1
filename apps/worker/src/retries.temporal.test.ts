// Whether a failed attempt is retried, decided from what went wrong, and said in the job's
// record and log. A source built on the Python CDK ends a failed read with a config_error that
// only sums up the streams that failed; the stream's own error decides. The source here speaks
// (the shared fake connector) exactly as the CDK does when an API answers HTTP 500 (or 401) for one stream.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptEntity } from '@tributary/db';
import { seedConnection } from '@tributary/testing/db';
import { declarativeSource } from '@tributary/testing/connectors';
import { fakeConnector } from '@tributary/testing/replication';
import { devNull, sampleCatalog, startHarness, type Harness } from '@tributary/testing/worker';

describe('retries decided from the individual errors', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  async function runFailingSync(failureType: 'transient_error' | 'config_error') {
    const { connectionId } = await seedConnection(h.dataSource, h.secretKey, {
      source: {
        ...fakeConnector,
        config: {
          streams: [{ name: 'users', records: 0 }],
          // the stream's own error, then the summary a CDK source closes a failed read with
          traceError: [
            { message: `the API answered ${failureType === 'transient_error' ? 'HTTP 500' : 'HTTP 401'}`, failure_type: failureType, stream: 'users' },
            { message: "During the sync, the following streams did not sync successfully: users: AirbyteTracedException('the API answered')", failure_type: 'config_error' },
          ],
        },
      },
      destination: { ...devNull, config: {} },
      catalog: sampleCatalog(['users']),
    });
    const result = await h.runSyncJob(connectionId, { retryPolicy: { maxSuccessiveCompleteFailures: 2, backoffInitialMs: 1000 } });
    const attempts = await h.dataSource.getRepository(AttemptEntity).find({ where: { jobId: result.jobId }, order: { attemptNumber: 'ASC' } });
    const lastLog = await readFile(join(h.dir, 'logs', connectionId, result.jobId, `attempt-${attempts.length}.jsonl`), 'utf8');
    return { result, attempts, lastLog };
  }

  it("retries a stream's transient error although the CDK closes with a config_error, and says so", async () => {
    const { result, attempts, lastLog } = await runFailingSync('transient_error');
    expect(result.status).toBe('failed');
    expect(attempts.map((a) => a.status)).toEqual(['failed', 'failed']);
    // the stream's own error is the cause; the summary follows it
    expect(result.failures.map((f) => f.type)).toEqual(['transient_error', 'config_error']);
    expect(attempts.map((a) => a.nextStep)).toEqual([
      'retried in 1 s: transient error from the source (stream users)',
      'not retried: 2 successive complete failures (transient error from the source (stream users))',
    ]);
    expect(lastLog).toContain('not retried: 2 successive complete failures');
  });

  it("does not retry a stream's configuration error, and says why", async () => {
    const { result, attempts, lastLog } = await runFailingSync('config_error');
    expect(result.status).toBe('failed');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.nextStep).toBe('not retried: config error from the source (stream users) (retrying cannot help)');
    expect(lastLog).toContain('not retried: config error from the source (stream users)');
  });

  it('retries a real low-code source (airbyte-source-declarative-manifest) whose API answers HTTP 500 once, and then succeeds', async () => {
    // the API: the first request fails, every later one answers three customers
    let requests = 0;
    const api: Server = createServer((_req, res) => {
      requests += 1;
      if (requests === 1) return res.writeHead(500).end('{"error":"boom"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [1, 2, 3].map((id) => ({ id, name: `customer ${id}` })) }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const customers = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } };
      const { connectionId } = await seedConnection(h.dataSource, h.secretKey, {
        source: declarativeSource({
          name: 'customers',
          schema: customers,
          url: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
          path: '/customers',
          // fail the attempt at once instead of the CDK's own backoff: the platform retries it
          requester: {
            error_handler: {
              type: 'DefaultErrorHandler',
              response_filters: [{ type: 'HttpResponseFilter', http_codes: [500], action: 'FAIL', failure_type: 'transient_error', error_message: 'the API answered HTTP 500' }],
            },
          },
        }),
        destination: { ...devNull, config: {} },
        catalog: {
          streams: [
            { stream: { name: 'customers', json_schema: customers, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' },
          ],
        },
      });
      const result = await h.runSyncJob(connectionId, { retryPolicy: { backoffInitialMs: 1000 } });
      expect(result.status, JSON.stringify(result.failures)).toBe('succeeded');
      const attempts = await h.dataSource.getRepository(AttemptEntity).find({ where: { jobId: result.jobId }, order: { attemptNumber: 'ASC' } });
      expect(attempts.map((a) => a.status)).toEqual(['failed', 'succeeded']);
      // what the CDK said: the stream's transient error, then its config_error summary
      expect(attempts[0]!.failureReasons.map((f) => [f.type, f.stream?.name ?? null])).toEqual([
        ['transient_error', 'customers'],
        ['config_error', null],
      ]);
      expect(attempts[0]!.nextStep).toBe('retried in 1 s: transient error from the source (stream customers)');
      expect(result.attempts[1]).toMatchObject({ recordsCommitted: 3 });
    } finally {
      await new Promise((resolve) => api.close(resolve));
    }
  }, 600_000);
});
