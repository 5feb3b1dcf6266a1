/**
 * Syncs through the API of a server with a worker: source-sample connections (its `users` stream,
 * full refresh append) into one destination-dev-null, and a job run to its end.
 */
import { randomUUID } from 'node:crypto';
import { waitFor } from '../wait-for.js';
import { seedDefinition, type ApiHarness, type ApiResponse } from './api-harness.js';

export interface SampleSyncs {
  /** a new source-sample source (config e.g. { count: 100, fail_after: 10 }), discovered, and an active manual connection */
  connection(sourceConfig: Record<string, unknown>): Promise<string>;
  /** POST /jobs and wait until the job is no longer running */
  sync(connectionId: string): Promise<{ id: string; status: string }>;
}

function ok(res: ApiResponse, status: number): ApiResponse {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res;
}

export async function sampleSyncs(api: ApiHarness): Promise<SampleSyncs> {
  const sample = await seedDefinition(api.dataSource, 'source', 'source-sample', null);
  const devNull = await seedDefinition(api.dataSource, 'destination', 'destination-dev-null', null);
  const destination = ok(
    await api.request('POST', '/api/v1/destinations', { body: { workspaceId: api.workspaceId, definitionId: devNull.id, name: 'nowhere', configuration: {} } }),
    201,
  ).body as { id: string };
  return {
    async connection(sourceConfig) {
      const source = ok(
        await api.request('POST', '/api/v1/sources', {
          body: { workspaceId: api.workspaceId, definitionId: sample.id, name: `sample-${randomUUID()}`, configuration: { streams: ['users'], ...sourceConfig } },
        }),
        201,
      ).body as { id: string };
      ok(await api.request('POST', `/api/v1/sources/${source.id}/discover`), 200);
      const created = await api.request('POST', '/api/v1/connections', {
        body: { sourceId: source.id, destinationId: destination.id, streams: [{ name: 'users', syncMode: 'full_refresh_append' }] },
      });
      return (ok(created, 201).body as { id: string }).id;
    },
    async sync(connectionId) {
      const { id } = ok(await api.request('POST', '/api/v1/jobs', { body: { connectionId, jobType: 'sync' } }), 201).body as { id: string };
      return waitFor(
        `job ${id} to end`,
        async () => {
          const job = (await api.request('GET', `/api/v1/jobs/${id}`)).body as { id: string; status: string };
          return job.status === 'running' ? undefined : job;
        },
        60_000,
        200,
      );
    },
  };
}
