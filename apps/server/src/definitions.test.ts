import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTributaryClient, type TributaryClient } from '@tributary/api-client';
import { seedDefinition, startApiHarness, type ApiHarness } from '@tributary/testing/server';

describe('connector definitions through the HTTP API', () => {
  let api: ApiHarness;
  let client: TributaryClient;
  beforeAll(async () => {
    api = await startApiHarness();
    client = createTributaryClient({ baseUrl: api.baseUrl, token: api.token });
  });
  afterAll(() => api?.close());

  it('adds a custom PyPI source; its spec waits for a worker', async () => {
    const { data, response } = await client.POST('/api/v1/source-definitions', {
      body: { name: 'source-pokeapi-custom', runtime: { kind: 'pypi', package: 'airbyte-source-pokeapi', version: '0.2.15', entrypoint: 'source-pokeapi' } },
    });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ name: 'source-pokeapi-custom', version: '0.2.15', custom: true, specAvailable: false, defaultVersion: null });
    const listed = await client.GET('/api/v1/source-definitions');
    expect(listed.data?.data.map((d) => d.name)).toContain('source-pokeapi-custom');
    // a destination list does not show it
    expect((await client.GET('/api/v1/destination-definitions')).data?.data).toEqual([]);
  });

  it('refuses a command runtime unless the operator allows command connectors, naming the field and the setting', async () => {
    for (const kind of ['source', 'destination']) {
      const res = await api.request('POST', `/api/v1/${kind}-definitions`, {
        body: { name: `${kind}-mine`, runtime: { kind: 'command', command: '/bin/sh', args: ['-c', 'id'] } },
      });
      expect(res.status, res.text).toBe(403);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'forbidden', errors: [{ pointer: '#/runtime/kind' }] });
      expect((res.body as { detail: string }).detail).toContain('TRIBUTARY_ALLOW_COMMAND_CONNECTORS');
    }
    const names = (await client.GET('/api/v1/destination-definitions')).data?.data.map((d) => d.name);
    expect(names).not.toContain('destination-mine');
  });

  it('names the bad fields of a runtime, and refuses builtin or unknown kinds and duplicate names', async () => {
    const bad = await api.request('POST', '/api/v1/source-definitions', { body: { name: 'Bad Name', runtime: { kind: 'pypi', package: 'x; rm -rf /', version: '' } } });
    expect(bad.status).toBe(400);
    const pointers = (bad.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['#/name', '#/runtime/package', '#/runtime/version']));

    for (const kind of ['builtin', 'docker']) {
      const res = await api.request('POST', '/api/v1/source-definitions', { body: { name: 'source-x', runtime: { kind } } });
      expect(res.status, kind).toBe(400);
      expect((res.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toContain('#/runtime/kind');
    }
    const missing = await api.request('POST', '/api/v1/source-definitions', { body: { name: 'source-x' } });
    expect(missing.status).toBe(400);
    expect((missing.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toContain('#/runtime');

    const body = { name: 'source-dup', runtime: { kind: 'npm', package: '@acme/source-dup', version: '1.0.0' } };
    expect((await api.request('POST', '/api/v1/source-definitions', { body })).status).toBe(201);
    const dup = await api.request('POST', '/api/v1/source-definitions', { body });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'conflict', errors: [{ pointer: '#/name' }] });
  });

  it('updates the version of a PyPI connector and drops the spec of the old one; builtins refuse', async () => {
    const seeded = await seedDefinition(api.dataSource, 'source', 'source-faker-test', { connectionSpecification: { type: 'object' } });
    await api.dataSource.query(`UPDATE actor_definition SET runtime = $1, version = '7.2.1', default_version = '7.2.1' WHERE id = $2`, [
      JSON.stringify({ kind: 'pypi', package: 'airbyte-source-faker', version: '7.2.1' }),
      seeded.id,
    ]);
    const { data } = await client.PATCH('/api/v1/source-definitions/{definitionId}/version', {
      params: { path: { definitionId: seeded.id } },
      body: { version: '7.3.0' },
    });
    expect(data).toMatchObject({ version: '7.3.0', defaultVersion: '7.2.1', specAvailable: false, runtime: { kind: 'pypi', version: '7.3.0' } });

    const builtin = await seedDefinition(api.dataSource, 'destination', 'destination-builtin-test', null);
    const refused = await api.request('PATCH', `/api/v1/destination-definitions/${builtin.id}/version`, { body: { version: '9.9.9' } });
    expect(refused.status).toBe(409);
    const wrongType = await api.request('PATCH', `/api/v1/source-definitions/${builtin.id}/version`, { body: { version: '9.9.9' } });
    expect(wrongType.status).toBe(404);
  });

  it('refuses to install a connector that has nothing to install, and a definition that does not exist', async () => {
    const builtin = await seedDefinition(api.dataSource, 'destination', 'destination-nothing-to-install', null);
    const refused = await api.request('POST', `/api/v1/destination-definitions/${builtin.id}/install`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ detail: expect.stringContaining('nothing to install') });
    expect((await api.request('POST', `/api/v1/source-definitions/${builtin.id}/install`)).status).toBe(404);
  });
});

describe('command connectors where the operator allows them', () => {
  let api: ApiHarness;
  let client: TributaryClient;
  beforeAll(async () => {
    api = await startApiHarness({ allowCommandConnectors: true });
    client = createTributaryClient({ baseUrl: api.baseUrl, token: api.token });
  });
  afterAll(() => api?.close());

  it('adds a custom command destination with a version label', async () => {
    const { data } = await client.POST('/api/v1/destination-definitions', {
      body: { name: 'destination-mine', runtime: { kind: 'command', command: '/usr/local/bin/dest', args: ['--fast'] } },
    });
    expect(data).toMatchObject({ version: 'dev', runtime: { kind: 'command', command: '/usr/local/bin/dest', args: ['--fast'] } });
  });
});
