import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTributaryClient, type TributaryClient } from '@tributary/api-client';
import { JobEntity } from '@tributary/db';
import { seedConnection, startApiHarness, type ApiHarness } from '@tributary/testing/server';

const streamState = (name: string, cursor: string) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: { cursor } } });

describe('connection state through the HTTP API', () => {
  let api: ApiHarness;
  let client: TributaryClient;
  let connectionId: string;
  beforeAll(async () => {
    api = await startApiHarness();
    client = createTributaryClient({ baseUrl: api.baseUrl, token: api.token });
    connectionId = await seedConnection(api.dataSource, api.workspaceId);
  });
  afterAll(() => api?.close());

  it('is none before any sync', async () => {
    const { data } = await client.GET('/api/v1/connections/{connectionId}/state', { params: { path: { connectionId } } });
    expect(data).toEqual({ connectionId, stateType: 'none', state: [], updatedAt: null });
  });

  it('is replaced by an operator and read back', async () => {
    const state = [streamState('users', '2026-01-01'), streamState('events', '42')];
    const put = await client.PUT('/api/v1/connections/{connectionId}/state', { params: { path: { connectionId } }, body: { stateType: 'stream', state } });
    expect(put.error, JSON.stringify(put.error)).toBeUndefined();
    const { data } = await client.GET('/api/v1/connections/{connectionId}/state', { params: { path: { connectionId } } });
    expect(data).toMatchObject({ stateType: 'stream', state });
  });

  it('names what is wrong with a state, message by message', async () => {
    const res = await api.request('PUT', `/api/v1/connections/${connectionId}/state`, {
      body: { stateType: 'stream', state: [streamState('users', '1'), { type: 'GLOBAL', global: { stream_states: [] } }, streamState('users', '2'), { type: 'NOPE' }] },
    });
    expect(res.status).toBe(400);
    expect((res.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual(['#/state/3/type']);
    const mixed = await api.request('PUT', `/api/v1/connections/${connectionId}/state`, {
      body: { stateType: 'stream', state: [streamState('users', '1'), { type: 'GLOBAL', global: { stream_states: [] } }, streamState('users', '2')] },
    });
    expect((mixed.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual(['#/state/1/type', '#/state/2/stream/stream_descriptor']);
    const twoGlobals = await api.request('PUT', `/api/v1/connections/${connectionId}/state`, {
      body: { stateType: 'global', state: [{ type: 'GLOBAL', global: { stream_states: [] } }, { type: 'GLOBAL', global: { stream_states: [] } }] },
    });
    expect(twoGlobals.body).toMatchObject({ errors: [{ pointer: '#/state' }] });
  });

  it('refuses a replacement while a job runs, and 404s for an unknown connection', async () => {
    const job = await api.dataSource.getRepository(JobEntity).save({ connectionId, jobType: 'sync', status: 'running', streams: null, configSnapshot: {} });
    const res = await api.request('PUT', `/api/v1/connections/${connectionId}/state`, { body: { stateType: 'stream', state: [] } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ detail: expect.stringContaining(`job ${job.id}`) });
    await api.dataSource.getRepository(JobEntity).update({ id: job.id }, { status: 'cancelled' });
    expect((await api.request('PUT', `/api/v1/connections/${connectionId}/state`, { body: { stateType: 'stream', state: [] } })).status).toBe(200);
    expect((await api.request('GET', '/api/v1/connections/00000000-0000-4000-8000-000000000000/state')).status).toBe(404);
  });
});
