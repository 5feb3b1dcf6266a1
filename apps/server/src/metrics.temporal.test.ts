// /metrics, /livez and /readyz of a real worker process after real syncs through the API
// (Temporal dev server, PostgreSQL, source-sample into destination-dev-null): one that succeeds
// and one whose source fails (one attempt allowed, so the job fails at once).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, promSample as sample, waitFor } from '@tributary/testing';
import { seedDefinition, startServerWithWorker, type ApiHarness, type ServerWithWorker } from '@tributary/testing/server';

interface Job {
  id: string;
  status: string;
}

describe('the worker\'s metrics and probes', () => {
  let stack: ServerWithWorker | undefined;
  let api: ApiHarness;
  let opsUrl: string;
  let sampleDefinitionId: string;
  let destinationId: string;

  beforeAll(async () => {
    const port = await freePort();
    opsUrl = `http://127.0.0.1:${port}`;
    stack = await startServerWithWorker('metrics', { TRIBUTARY_METRICS_PORT: String(port), TRIBUTARY_JOB_MAX_SUCCESSIVE_COMPLETE_FAILURES: '1' });
    api = stack.api;
    sampleDefinitionId = (await seedDefinition(api.dataSource, 'source', 'source-sample', null)).id;
    const devNull = await seedDefinition(api.dataSource, 'destination', 'destination-dev-null', null);
    const destination = await api.request('POST', '/api/v1/destinations', {
      body: { workspaceId: api.workspaceId, definitionId: devNull.id, name: 'nowhere', configuration: {} },
    });
    expect(destination.status, destination.text).toBe(201);
    destinationId = (destination.body as { id: string }).id;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function connection(sourceConfig: Record<string, unknown>): Promise<string> {
    const source = await api.request('POST', '/api/v1/sources', {
      body: { workspaceId: api.workspaceId, definitionId: sampleDefinitionId, name: `sample-${randomUUID()}`, configuration: { streams: ['users'], ...sourceConfig } },
    });
    expect(source.status, source.text).toBe(201);
    const sourceId = (source.body as { id: string }).id;
    expect((await api.request('POST', `/api/v1/sources/${sourceId}/discover`)).status).toBe(200);
    const created = await api.request('POST', '/api/v1/connections', {
      body: { sourceId, destinationId, streams: [{ name: 'users', syncMode: 'full_refresh_append' }] },
    });
    expect(created.status, created.text).toBe(201);
    return (created.body as { id: string }).id;
  }

  async function sync(connectionId: string): Promise<Job> {
    const res = await api.request('POST', '/api/v1/jobs', { body: { connectionId, jobType: 'sync' } });
    expect(res.status, res.text).toBe(201);
    const { id } = res.body as Job;
    return waitFor(`job ${id} to end`, async () => {
      const job = (await api.request('GET', `/api/v1/jobs/${id}`)).body as Job;
      return job.status === 'running' ? undefined : job;
    }, 60_000, 200);
  }

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
    const good = await connection({ count: 250 });
    const bad = await connection({ count: 100, fail_after: 10 });
    expect((await sync(good)).status).toBe('succeeded');
    expect((await sync(bad)).status).toBe('failed');

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
