/**
 * The handful of API calls a user makes to go from nothing to a sync, as small helpers
 * over an E2eStack. They assert the status codes so a test reads as the user's story.
 */
import { expect } from 'vitest';
import type { DatabaseConnection } from '../postgres.js';
import type { E2eStack } from './stack.js';
import { waitFor } from '../wait-for.js';

type Json = Record<string, unknown>;

export interface JobView {
  id: string;
  status: string;
  jobType: string;
  attempts: {
    attemptNumber: number;
    status: string;
    stats: { recordsEmitted: number; recordsCommitted: number; streams: { name: string; recordsEmitted: number; recordsCommitted: number }[] } | null;
    failureReasons: { origin: string; type: string; message: string }[];
    createdAt: string;
    endedAt: string | null;
  }[];
}

export async function ok(stack: E2eStack, method: string, path: string, body?: unknown, expected = [200, 201, 202]): Promise<Json> {
  const res = await stack.request(method, path, body);
  expect(expected, `${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
  return res.body as Json;
}

export async function workspaceId(stack: E2eStack): Promise<string> {
  const page = await ok(stack, 'GET', '/api/v1/workspaces');
  return ((page.data as Json[])[0] as { id: string }).id;
}

/**
 * The id of the connector named `name`, once it is installed: a PyPI connector installs in the
 * background, and asking for its spec starts that (the API answers 503 until it is done).
 */
export async function definitionId(stack: E2eStack, kind: 'source' | 'destination', name: string): Promise<string> {
  const page = await ok(stack, 'GET', `/api/v1/${kind}-definitions?limit=100`);
  const found = (page.data as { id: string; name: string; installStatus: string }[]).find((d) => d.name === name);
  if (!found) throw new Error(`no ${kind} definition named ${name}`);
  if (found.installStatus !== 'ready') {
    await waitFor(
      `${name} to be installed`,
      async () => {
        const spec = await stack.request('GET', `/api/v1/${kind}-definitions/${found.id}/specification`);
        if (spec.status === 200) return true;
        if (spec.status !== 503) throw new Error(`${name}: ${spec.status} ${JSON.stringify(spec.body)}`);
        return undefined;
      },
      600_000,
      2_000,
    );
  }
  return found.id;
}

export async function createSource(stack: E2eStack, definition: string, name: string, configuration: Json): Promise<string> {
  const body = { workspaceId: await workspaceId(stack), definitionId: await definitionId(stack, 'source', definition), name, configuration };
  return (await ok(stack, 'POST', '/api/v1/sources', body, [201])).id as string;
}

export async function createPostgresDestination(stack: E2eStack, db: DatabaseConnection, schema: string, password = ''): Promise<string> {
  const configuration = { host: db.host, port: db.port, database: db.database, username: db.username, password, schema };
  const body = {
    workspaceId: await workspaceId(stack),
    definitionId: await definitionId(stack, 'destination', 'destination-postgres'),
    name: `postgres ${schema}`,
    configuration,
  };
  return (await ok(stack, 'POST', '/api/v1/destinations', body, [201])).id as string;
}

export async function discover(stack: E2eStack, sourceId: string): Promise<{ streams: { name: string }[] }> {
  const body = await ok(stack, 'POST', `/api/v1/sources/${sourceId}/discover`, {});
  return (body.catalog ?? body) as { streams: { name: string }[] };
}

export async function createConnection(stack: E2eStack, sourceId: string, destinationId: string, streams: Json[], extra: Json = {}): Promise<string> {
  const body = { name: 'e2e', sourceId, destinationId, streams, schedule: { scheduleType: 'manual' }, ...extra };
  return (await ok(stack, 'POST', '/api/v1/connections', body, [201])).id as string;
}

export async function startJob(stack: E2eStack, connectionId: string, jobType = 'sync', streams?: Json[]): Promise<string> {
  const body = await ok(stack, 'POST', '/api/v1/jobs', { connectionId, jobType, ...(streams ? { streams } : {}) }, [201]);
  return body.id as string;
}

export const getJob = async (stack: E2eStack, jobId: string) => (await ok(stack, 'GET', `/api/v1/jobs/${jobId}`)) as unknown as JobView;

/** Waits until the job has finished and returns it. */
export function finishedJob(stack: E2eStack, jobId: string, timeoutMs = 240_000): Promise<JobView> {
  return waitFor(
    `job ${jobId} to finish`,
    async () => {
      const job = await getJob(stack, jobId);
      return ['succeeded', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
    },
    timeoutMs,
    200,
  );
}

export async function syncAndWait(stack: E2eStack, connectionId: string, jobType = 'sync', streams?: Json[]): Promise<JobView> {
  const job = await finishedJob(stack, await startJob(stack, connectionId, jobType, streams));
  expect(job.status, JSON.stringify(job.attempts.map((a) => a.failureReasons))).toBe('succeeded');
  return job;
}
