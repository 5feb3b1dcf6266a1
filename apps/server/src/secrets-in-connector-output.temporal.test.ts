// A connector that quotes its api key everywhere (stderr, check message, TRACE errors of discover
// and read): the key must surface in no API answer, no log, no Temporal history and no database
// column. A real Temporal dev server, a real worker process, the shared fake connector.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorDefinitionEntity } from '@tributary/db';
import { SECRET_MASK } from '@tributary/domain';
import { databaseText } from '@tributary/testing/db';
import { fakeConnector } from '@tributary/testing/replication';
import {
  seedDefinition,
  startServerWithWorker,
  workflowHistoriesText,
  type ApiResponse,
  type ServerWithWorker,
} from '@tributary/testing/server';

const leakySpec = {
  connectionSpecification: {
    type: 'object',
    properties: {
      api_key: { type: 'string', airbyte_secret: true },
      leakSecret: { type: 'string' },
      failDiscover: { type: 'boolean' },
      streams: { type: 'array' },
    },
  },
};

async function filesText(dir: string): Promise<string> {
  const texts: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) texts.push(await readFile(join(entry.parentPath, entry.name), 'utf8').catch(() => ''));
  }
  return texts.join('\n');
}

describe("a connector's secrets in what it says", () => {
  let stack: ServerWithWorker;
  beforeAll(async () => {
    stack = await startServerWithWorker('secrets-output');
  });
  afterAll(() => stack?.stop());

  it('a source that echoes its api key in TRACE errors and on stderr: the key is in no API answer, log, Temporal history or database column', async () => {
    const { api } = stack;
    const key = `key-${randomUUID()}`;
    const answers: ApiResponse[] = [];
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await api.request(method, path, body === undefined ? {} : { body });
      answers.push(res);
      return res;
    };
    const source = await seedDefinition(api.dataSource, 'source', 'leaky-source', leakySpec);
    await api.dataSource.getRepository(ActorDefinitionEntity).update(source.id, { runtime: fakeConnector.runtime });
    const devNull = await seedDefinition(api.dataSource, 'destination', 'destination-dev-null', null);
    const configuration = { api_key: key, leakSecret: 'api_key', streams: [{ name: 'users', records: 3 }] };

    const created = await call('POST', '/api/v1/sources', {
      workspaceId: api.workspaceId,
      definitionId: source.id,
      name: 'leaky',
      configuration: { ...configuration, failDiscover: true },
    });
    expect(created.status, created.text).toBe(201);
    const sourceId = (created.body as { id: string }).id;

    const checked = await call('POST', `/api/v1/sources/${sourceId}/check`);
    expect(checked.body).toMatchObject({ status: 'failed', message: `the API refused key ${SECRET_MASK}` });
    const unsavedCheck = await call('POST', '/api/v1/sources/check', { definitionId: source.id, configuration });
    expect(unsavedCheck.body).toMatchObject({ status: 'failed', message: `the API refused key ${SECRET_MASK}` });
    const failedDiscover = await call('POST', `/api/v1/sources/${sourceId}/discover`);
    expect(failedDiscover.text).toContain(`discover failed for key ${SECRET_MASK}`);

    // dropping failDiscover changes a field: the key is sent again (a mask beside a changed field is refused)
    const updated = await call('PATCH', `/api/v1/sources/${sourceId}`, { configuration });
    expect(updated.status, updated.text).toBe(200);
    expect((await call('POST', `/api/v1/sources/${sourceId}/discover`)).status).toBe(200);
    const destination = await call('POST', '/api/v1/destinations', {
      workspaceId: api.workspaceId,
      definitionId: devNull.id,
      name: 'nowhere',
      configuration: {},
    });
    const connection = await call('POST', '/api/v1/connections', {
      sourceId,
      destinationId: (destination.body as { id: string }).id,
      streams: [{ name: 'users', syncMode: 'full_refresh_append' }],
    });
    expect(connection.status, connection.text).toBe(201);
    const started = await call('POST', '/api/v1/jobs', { connectionId: (connection.body as { id: string }).id, jobType: 'sync' });
    expect(started.status, started.text).toBe(201);
    const jobId = (started.body as { id: string }).id;
    let job: { status: string; attempts: { attemptNumber: number }[] } = { status: 'running', attempts: [] };
    const deadline = Date.now() + 60_000;
    while (job.status === 'running' || job.status === 'pending') {
      if (Date.now() > deadline) throw new Error(`the job is still ${job.status}`);
      await new Promise((r) => setTimeout(r, 200));
      job = (await call('GET', `/api/v1/jobs/${jobId}`)).body as typeof job;
    }
    expect(job.status).toBe('failed');
    // the failure reasons are there, masked: the TRACE error's message and internal message
    const jobText = answers.at(-1)!.text;
    expect(jobText).toContain(`read failed for key ${SECRET_MASK}`);
    expect(jobText).toContain(`HTTP 401 for ${SECRET_MASK}`);
    for (const { attemptNumber } of job.attempts) await call('GET', `/api/v1/jobs/${jobId}/attempts/${attemptNumber}/logs`);

    // the worker's data dir and the log storage it shares with the server
    const workerFiles = (await filesText(stack.worker.dataDir)) + (await filesText(api.storage.rootDir));
    // the worker's attempt log holds the stderr line, masked (so this search looks in the right place)
    expect(workerFiles).toContain(`connecting with key ${SECRET_MASK}`);
    const places: Record<string, string> = {
      'API answers': answers.map((a) => a.text).join('\n'),
      "the server's log": api.logLines.join(''),
      "the worker's log": stack.worker.output(),
      "the worker's files (attempt logs)": workerFiles,
      'Temporal histories': await workflowHistoriesText(api.temporalClient),
      'the database': await databaseText(api.dataSource),
    };
    expect(places['Temporal histories']).toContain(jobId);
    for (const [place, text] of Object.entries(places)) expect(text.includes(key), `the key is in ${place}`).toBe(false);
  });
});
