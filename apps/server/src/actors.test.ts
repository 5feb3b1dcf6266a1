import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTributaryClient, type TributaryClient } from '@tributary/api-client';
import { ActorEntity, decryptConfig } from '@tributary/db';
import { seedDefinition, startApiHarness, TEST_SOURCE_SPEC, type ApiHarness } from '@tributary/testing/server';

const PLANTED = {
  password: 'planted-password-7f3a9c',
  apiKey: 'planted-api-key-51be02',
  clientSecret: 'planted-client-secret-c0ffee',
};
const MASK = '**********';

describe('sources and destinations through the HTTP API', () => {
  let api: ApiHarness;
  let client: TributaryClient;
  let sourceDefinitionId: string;
  let specLessDefinitionId: string;
  let destinationDefinitionId: string;

  beforeAll(async () => {
    api = await startApiHarness();
    client = createTributaryClient({ baseUrl: api.baseUrl, token: api.token });
    sourceDefinitionId = (await seedDefinition(api.dataSource, 'source', 'source-test', TEST_SOURCE_SPEC)).id;
    specLessDefinitionId = (await seedDefinition(api.dataSource, 'source', 'source-not-run-yet', null)).id;
    destinationDefinitionId = (
      await seedDefinition(api.dataSource, 'destination', 'destination-test', {
        connectionSpecification: { type: 'object', required: ['path'], properties: { path: { type: 'string' }, token: { type: 'string', airbyte_secret: true } } },
        supported_destination_sync_modes: ['append'],
      })
    ).id;
  });
  afterAll(() => api?.close());

  const validConfig = () => ({ host: 'db.example', port: 5432, password: PLANTED.password, credentials: { auth_type: 'api_key', api_key: PLANTED.apiKey } });

  it('lists definitions and serves a cached spec; a spec not cached while Temporal is unreachable answers 503 problem+json', async () => {
    const { data } = await client.GET('/api/v1/source-definitions');
    expect(data?.data.map((d) => d.name)).toEqual(['source-not-run-yet', 'source-test']);
    const spec = await client.GET('/api/v1/source-definitions/{definitionId}/specification', { params: { path: { definitionId: sourceDefinitionId } } });
    expect(spec.data?.connectionSpecification).toEqual(TEST_SOURCE_SPEC.connectionSpecification);
    const missing = await api.request('GET', `/api/v1/source-definitions/${specLessDefinitionId}/specification`);
    expect(missing.status).toBe(503);
    expect(missing.body).toMatchObject({ code: 'temporal_unavailable', detail: expect.stringContaining('Temporal did not answer') });
    // an expected condition: one warning that says why, and the access line; no error-level line
    const aboutIt = api.logLines
      .map((line) => JSON.parse(line) as { level: number; msg: string; url?: string; path?: string; status?: number; detail?: string })
      .filter((entry) => (entry.url ?? entry.path ?? '').startsWith(`/api/v1/source-definitions/${specLessDefinitionId}/specification`));
    expect(aboutIt.map(({ level, msg, status }) => ({ level, msg, status }))).toEqual([
      { level: 40, msg: 'request failed', status: undefined },
      { level: 30, msg: 'request', status: 503 },
    ]);
    expect(aboutIt[0]!.detail).toContain('Temporal did not answer');
    // a destination definition is not a source definition
    expect((await api.request('GET', `/api/v1/source-definitions/${destinationDefinitionId}`)).status).toBe(404);
  });

  it('creates a source with secrets masked in the response and encrypted in the database', async () => {
    const { data, error, response } = await client.POST('/api/v1/sources', {
      body: { workspaceId: api.workspaceId, definitionId: sourceDefinitionId, name: 'my source', configuration: validConfig() },
    });
    expect(error, JSON.stringify(error)).toBeUndefined();
    expect(response.status).toBe(201);
    expect(data?.configuration).toEqual({ host: 'db.example', port: 5432, password: MASK, credentials: { auth_type: 'api_key', api_key: MASK } });

    const [row] = (await api.dataSource.query(`SELECT configuration::text AS text FROM actor WHERE id = $1`, [data!.id])) as [{ text: string }];
    expect(row.text).toContain('db.example');
    for (const secret of Object.values(PLANTED)) expect(row.text).not.toContain(secret);
  });

  it('rejects an invalid configuration with 422 naming each field', async () => {
    const res = await api.request('POST', '/api/v1/sources', {
      body: {
        workspaceId: api.workspaceId,
        definitionId: sourceDefinitionId,
        name: 'bad',
        configuration: { host: '', port: 'five', credentials: { auth_type: 'api_key' } },
      },
    });
    expect(res.status).toBe(422);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    const pointers = (res.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['#/configuration/host', '#/configuration/port', '#/configuration/credentials/api_key']));
  });

  it('for a oneOf, names the allowed values of its discriminator, or only the chosen option\'s errors', async () => {
    const create = (credentials: Record<string, unknown>) =>
      api.request('POST', '/api/v1/sources', {
        body: { workspaceId: api.workspaceId, definitionId: sourceDefinitionId, name: 'oneOf', configuration: { ...validConfig(), credentials } },
      });
    const problems = (res: { body: unknown }) => (res.body as { errors: { pointer: string; detail: string }[] }).errors;

    const unknownOption = await create({ auth_type: 'password', api_key: 'k' });
    expect(unknownOption.status).toBe(422);
    expect(problems(unknownOption)).toEqual([
      { pointer: '#/configuration/credentials/auth_type', detail: 'must be one of "api_key" (API key), "oauth" (OAuth)' },
    ]);

    const incompleteOption = await create({ auth_type: 'oauth', client_id: 'id' });
    expect(incompleteOption.status).toBe(422);
    expect(problems(incompleteOption)).toEqual([
      { pointer: '#/configuration/credentials/client_secret', detail: "must have required property 'client_secret'" },
    ]);
  });

  it('names the body field for an unknown workspace or definition, and refuses an unvalidatable config', async () => {
    const unknownWorkspace = await api.request('POST', '/api/v1/sources', {
      body: { workspaceId: '00000000-0000-4000-8000-000000000000', definitionId: sourceDefinitionId, name: 'x', configuration: validConfig() },
    });
    expect(unknownWorkspace.status).toBe(404);
    expect(unknownWorkspace.body).toMatchObject({ errors: [{ pointer: '#/workspaceId' }] });

    const wrongKind = await api.request('POST', '/api/v1/sources', {
      body: { workspaceId: api.workspaceId, definitionId: destinationDefinitionId, name: 'x', configuration: {} },
    });
    expect(wrongKind.status).toBe(404);
    expect(wrongKind.body).toMatchObject({ errors: [{ pointer: '#/definitionId' }] });

    const noSpec = await api.request('POST', '/api/v1/sources', {
      body: { workspaceId: api.workspaceId, definitionId: specLessDefinitionId, name: 'x', configuration: {} },
    });
    expect(noSpec.status).toBe(503);

    const notAnObject = await api.request('POST', '/api/v1/sources', {
      body: { workspaceId: 'nope', definitionId: sourceDefinitionId, name: 'x', configuration: 'host=db' },
    });
    expect(notAnObject.status).toBe(400);
    expect((notAnObject.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer).sort()).toEqual(['#/configuration', '#/workspaceId']);
  });

  it('keeps the stored secret when the masked value is sent back, and replaces it when a new one is sent', async () => {
    const created = await client.POST('/api/v1/sources', {
      body: { workspaceId: api.workspaceId, definitionId: sourceDefinitionId, name: 'round trip', configuration: validConfig() },
    });
    const id = created.data!.id;
    const masked = created.data!.configuration;

    const renamed = await client.PATCH('/api/v1/sources/{sourceId}', {
      params: { path: { sourceId: id } },
      body: { name: 'renamed', configuration: masked },
    });
    expect(renamed.error, JSON.stringify(renamed.error)).toBeUndefined();
    expect(renamed.data).toMatchObject({ name: 'renamed', configuration: { host: 'db.example', password: MASK } });

    const stored = await storedPlaintext(id);
    expect(stored).toMatchObject({ host: 'db.example', password: PLANTED.password, credentials: { api_key: PLANTED.apiKey } });

    await client.PATCH('/api/v1/sources/{sourceId}', {
      params: { path: { sourceId: id } },
      body: { configuration: { ...masked, password: 'a-new-password' } },
    });
    expect(await storedPlaintext(id)).toMatchObject({ password: 'a-new-password', credentials: { api_key: PLANTED.apiKey } });

    // another host with every secret entered again
    await client.PATCH('/api/v1/sources/{sourceId}', {
      params: { path: { sourceId: id } },
      body: { configuration: { ...validConfig(), host: 'other.example' } },
    });
    expect(await storedPlaintext(id)).toMatchObject({ host: 'other.example', password: PLANTED.password });

    // switching the oneOf branch and sending the mask for a secret never stored
    const switched = await api.request('PATCH', `/api/v1/sources/${id}`, {
      body: { configuration: { ...masked, credentials: { auth_type: 'oauth', client_id: 'c', client_secret: MASK } } },
    });
    expect(switched.status).toBe(422);
    expect(switched.body).toMatchObject({ errors: [{ pointer: '#/configuration/credentials/client_secret' }] });
  });

  it('refuses a masked secret sent with a changed host, in an update and in a check: the stored secret would go to that host', async () => {
    const created = await client.POST('/api/v1/sources', {
      body: { workspaceId: api.workspaceId, definitionId: sourceDefinitionId, name: 'exfiltration', configuration: validConfig() },
    });
    const id = created.data!.id;
    const toAttacker = { ...created.data!.configuration, host: 'attacker.example' };
    for (const [method, path, body] of [
      ['PATCH', `/api/v1/sources/${id}`, { configuration: toAttacker }],
      ['POST', `/api/v1/sources/${id}/check`, { configuration: toAttacker }],
    ] as const) {
      const res = await api.request(method, path, { body });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(422);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      const errors = (res.body as { errors: { pointer: string; detail: string }[] }).errors;
      expect(errors.map((e) => e.pointer).sort()).toEqual(['#/configuration/credentials/api_key', '#/configuration/password']);
      expect(errors[0]!.detail).toBe('re-enter the secret when you change /configuration/host');
    }
    expect(await storedPlaintext(id)).toMatchObject({ host: 'db.example', password: PLANTED.password });
  });

  it('gets, lists, filters and deletes sources; every response masks secrets', async () => {
    const other = await client.POST('/api/v1/workspaces', { body: { name: 'other' } });
    await client.POST('/api/v1/sources', {
      body: {
        workspaceId: other.data!.id,
        definitionId: sourceDefinitionId,
        name: 'oauth one',
        configuration: { host: 'h', port: 1, credentials: { auth_type: 'oauth', client_id: 'cid', client_secret: PLANTED.clientSecret } },
      },
    });
    const all = await api.request('GET', '/api/v1/sources?limit=100');
    const filtered = await client.GET('/api/v1/sources', { params: { query: { workspaceId: other.data!.id } } });
    expect(filtered.data?.data.map((s) => s.name)).toEqual(['oauth one']);
    const one = await api.request('GET', `/api/v1/sources/${filtered.data!.data[0]!.id}`);
    for (const res of [all, one]) {
      expect(res.status).toBe(200);
      for (const secret of Object.values(PLANTED)) expect(res.text).not.toContain(secret);
    }
    expect(one.body).toMatchObject({ configuration: { credentials: { client_id: 'cid', client_secret: MASK } } });

    // a workspace with sources is not deleted
    expect((await api.request('DELETE', `/api/v1/workspaces/${other.data!.id}`)).status).toBe(409);
    expect((await api.request('DELETE', `/api/v1/sources/${filtered.data!.data[0]!.id}`)).status).toBe(204);
    expect((await api.request('GET', `/api/v1/sources/${filtered.data!.data[0]!.id}`)).status).toBe(404);
    expect((await api.request('DELETE', `/api/v1/workspaces/${other.data!.id}`)).status).toBe(204);
  });

  it('does the same for destinations, which are not sources', async () => {
    const created = await client.POST('/api/v1/destinations', {
      body: { workspaceId: api.workspaceId, definitionId: destinationDefinitionId, name: 'dest', configuration: { path: '/tmp/x', token: PLANTED.password } },
    });
    expect(created.data?.configuration).toEqual({ path: '/tmp/x', token: MASK });
    expect((await api.request('GET', `/api/v1/sources/${created.data!.id}`)).status).toBe(404);
    expect((await client.GET('/api/v1/destinations')).data?.data.map((d) => d.name)).toEqual(['dest']);
  });

  it('encrypts and masks secrets a spec declares through $ref/definitions, additionalProperties and if/then', async () => {
    const spec = {
      connectionSpecification: {
        type: 'object',
        definitions: { secret: { type: 'string', airbyte_secret: true } },
        properties: { mode: { type: 'string' }, password: { $ref: '#/definitions/secret' }, headers: { type: 'object', additionalProperties: { type: 'string', airbyte_secret: true } } },
        if: { properties: { mode: { const: 'key' } } },
        then: { properties: { api_key: { type: 'string', airbyte_secret: true } } },
      },
    };
    const definitionId = (await seedDefinition(api.dataSource, 'source', 'source-constructs', spec)).id;
    const planted = { password: 'planted-ref-1d2c', header: 'planted-header-9e8f', apiKey: 'planted-then-4a5b' };
    const created = await api.request('POST', '/api/v1/sources', {
      body: {
        workspaceId: api.workspaceId,
        definitionId,
        name: 'constructs',
        configuration: { mode: 'key', password: planted.password, headers: { Authorization: planted.header }, api_key: planted.apiKey },
      },
    });
    expect(created.status, created.text).toBe(201);
    const id = (created.body as { id: string }).id;
    const masked = { mode: 'key', password: MASK, headers: { Authorization: MASK }, api_key: MASK };
    expect((created.body as { configuration: unknown }).configuration).toEqual(masked);
    expect((await api.request('GET', `/api/v1/sources/${id}`)).body).toMatchObject({ configuration: masked });
    const [row] = (await api.dataSource.query(`SELECT configuration::text AS text FROM actor WHERE id = $1`, [id])) as [{ text: string }];
    for (const secret of Object.values(planted)) expect(row.text).not.toContain(secret);
    expect(await storedPlaintext(id)).toMatchObject({ password: planted.password, api_key: planted.apiKey });
  });

  it('never writes a planted secret to the database in plaintext, nor to the server log', async () => {
    const dump = (await api.dataSource.query(`SELECT configuration::text AS text FROM actor`)) as { text: string }[];
    const everything = dump.map((r) => r.text).join('\n') + api.logLines.join('');
    for (const secret of [...Object.values(PLANTED), 'a-new-password']) expect(everything).not.toContain(secret);
  });

  /** what the worker would hand the connector: decrypted with the server's key */
  async function storedPlaintext(id: string): Promise<Record<string, unknown>> {
    const entity = await api.dataSource.getRepository(ActorEntity).findOneByOrFail({ id });
    return decryptConfig(api.secretKey, entity.id, entity.configuration);
  }
});
