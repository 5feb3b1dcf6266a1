// /metrics, /livez and /readyz of a real worker process after real syncs through the API
// (Temporal dev server, PostgreSQL, source-sample into destination-dev-null): one that succeeds
// and one whose source fails (one attempt allowed, so the job fails at once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, promSample as sample } from '@tributary/testing';
import { sampleSyncs, startServerWithWorker, type ApiHarness, type SampleSyncs, type ServerWithWorker } from '@tributary/testing/server';

describe('the worker\'s metrics and probes', () => {
  let stack: ServerWithWorker | undefined;
  let api: ApiHarness;
  let opsUrl: string;
  let syncs: SampleSyncs;

  beforeAll(async () => {
    const port = await freePort();
    opsUrl = `http://127.0.0.1:${port}`;
    stack = await startServerWithWorker('metrics', { TRIBUTARY_METRICS_PORT: String(port), TRIBUTARY_JOB_MAX_SUCCESSIVE_COMPLETE_FAILURES: '1' });
    api = stack.api;
    syncs = await sampleSyncs(api);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const scrape = async () => {
    const response = await fetch(`${opsUrl}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  };

  it('is live and ready while it polls, on its own port', async () => {
    expect((await fetch(`${opsUrl}/livez`)).status).toBe(200);
    const ready = await fetch(`${opsUrl}/readyz`);
    expect(ready.status, await ready.text()).toBe(200);
  });

  it('counts a sync that succeeded and one whose source failed: jobs, records, bytes, attempts, queue wait', async () => {
    const good = await syncs.connection({ count: 250 });
    const bad = await syncs.connection({ count: 100, fail_after: 10 });
    expect((await syncs.sync(good)).status).toBe('succeeded');
    expect((await syncs.sync(bad)).status).toBe('failed');

    const metrics = await scrape();
    const worker = { service: 'worker' };
    expect(sample(metrics, 'tributary_syncs_started_total', { ...worker, connection_id: good })).toBe(1);
    expect(sample(metrics, 'tributary_syncs_started_total', { ...worker, connection_id: bad })).toBe(1);
    expect(sample(metrics, 'tributary_syncs_finished_total', { ...worker, connection_id: good, status: 'succeeded', failure_origin: '' })).toBe(1);
    expect(sample(metrics, 'tributary_syncs_finished_total', { ...worker, connection_id: bad, status: 'failed', failure_origin: 'source' })).toBe(1);
    expect(sample(metrics, 'tributary_syncs_finished_total', { ...worker, connection_id: good, status: 'failed' })).toBeUndefined();
    expect(sample(metrics, 'tributary_records_synced_total', { ...worker, connection_id: good })).toBe(250);
    expect(sample(metrics, 'tributary_bytes_synced_total', { ...worker, connection_id: good })).toBeGreaterThan(250 * 50);
    expect(sample(metrics, 'tributary_attempt_duration_seconds_count', { ...worker, status: 'succeeded' })).toBe(1);
    expect(sample(metrics, 'tributary_attempt_duration_seconds_count', { ...worker, status: 'failed' })).toBe(1);
    expect(sample(metrics, 'tributary_sync_queue_wait_seconds_count', worker)).toBe(2);
    expect(metrics).toMatch(/^tributary_running_syncs\{service="worker"\} 0$/m);
  });
});
