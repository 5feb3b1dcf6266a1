// resourceRequirements on connections and connector definitions: what their pods may use in a
// cluster, stored with them, validated as Kubernetes quantities. Real server, real Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorDefinitionEntity, ConnectionEntity, recordSourceCatalog } from '@tributary/db';
import { seedActor, seedDefinition, startApiHarness, type ApiHarness, type ApiResponse } from '@tributary/testing/server';

const CATALOG = { streams: [{ name: 'users', json_schema: { type: 'object', properties: { id: { type: 'integer' } } }, supported_sync_modes: ['full_refresh' as const] }] };

/** a 422 problem+json whose detail names `resourceRequirements.<field>` and whose errors point at it */
function expectInvalidResources(res: ApiResponse, field: string): void {
  expect(res.status, res.text).toBe(422);
  expect(res.contentType).toMatch(/^application\/problem\+json/);
  const body = res.body as { detail: string; errors: { pointer: string }[] };
  expect(body.detail).toContain(`resourceRequirements.${field}`);
  expect(body.errors.map((e) => e.pointer)).toContain(`#/resourceRequirements/${field}`);
}

describe('resource requirements through the HTTP API', () => {
  let api: ApiHarness;
  let sourceId: string;
  let destinationId: string;

  beforeAll(async () => {
    api = await startApiHarness();
    const actor = (actorType: 'source' | 'destination') => seedActor(api.dataSource, api.workspaceId, actorType, 'resources');
    sourceId = await actor('source');
    destinationId = await actor('destination');
    await api.dataSource.transaction((manager) => recordSourceCatalog(manager, sourceId, CATALOG));
  });
  afterAll(() => api?.close());

  const createConnection = (resourceRequirements?: unknown) =>
    api.request('POST', '/api/v1/connections', {
      // inactive: no workflow to start (the harness has no Temporal)
      body: { sourceId, destinationId, status: 'inactive', streams: [{ name: 'users', syncMode: 'full_refresh_append' }], ...(resourceRequirements === undefined ? {} : { resourceRequirements }) },
    });
  const storedConnection = (id: string) => api.dataSource.getRepository(ConnectionEntity).findOneByOrFail({ id });
  /** PATCH a connection and read it back: without Temporal an update is saved and then answered 503 (its workflow cannot be told) */
  const patchConnection = async (id: string, body: unknown) => {
    const res = await api.request('PATCH', `/api/v1/connections/${id}`, { body });
    if (res.status !== 200) expect(res.body, res.text).toMatchObject({ status: 503, code: 'workflow_call_failed', connectionId: id });
    const read = await api.request('GET', `/api/v1/connections/${id}`);
    expect(read.status, read.text).toBe(200);
    return read.body as { name: string; resourceRequirements: unknown };
  };

  it('a connection is created, read, listed and updated with its resource requirements, stored as they were given', async () => {
    const created = await createConnection({ cpuRequest: '250m', memoryLimit: '2Gi' });
    expect(created.status, created.text).toBe(201);
    const id = (created.body as { id: string }).id;
    expect(created.body).toMatchObject({ resourceRequirements: { cpuRequest: '250m', memoryLimit: '2Gi' } });
    expect((await storedConnection(id)).resourceRequirements).toEqual({ cpuRequest: '250m', memoryLimit: '2Gi' });
    expect((await api.request('GET', `/api/v1/connections/${id}`)).body).toMatchObject({ resourceRequirements: { cpuRequest: '250m', memoryLimit: '2Gi' } });

    // an update replaces them whole; other settings keep theirs
    const updated = await patchConnection(id, { resourceRequirements: { memoryRequest: '1Gi', memoryLimit: '4Gi' } });
    expect(updated.resourceRequirements).toEqual({ memoryRequest: '1Gi', memoryLimit: '4Gi' });
    const listed = (await api.request('GET', '/api/v1/connections')).body as { data: { id: string; resourceRequirements: unknown }[] };
    expect(listed.data.find((c) => c.id === id)?.resourceRequirements).toEqual({ memoryRequest: '1Gi', memoryLimit: '4Gi' });
    expect(await patchConnection(id, { name: 'renamed' })).toMatchObject({
      name: 'renamed',
      resourceRequirements: { memoryRequest: '1Gi', memoryLimit: '4Gi' },
    });

    // null: none of its own
    expect((await patchConnection(id, { resourceRequirements: null })).resourceRequirements).toBeNull();
    expect((await storedConnection(id)).resourceRequirements).toBeNull();
    // none given: none
    const plain = await createConnection();
    expect((plain.body as { resourceRequirements: unknown }).resourceRequirements).toBeNull();
  });

  it('a connection refuses what is not a Kubernetes quantity with a 422 naming the field, and changes nothing', async () => {
    const count = async () => api.dataSource.getRepository(ConnectionEntity).count();
    const before = await count();
    expectInvalidResources(await createConnection({ memoryLimit: '1 GB' }), 'memoryLimit');
    expectInvalidResources(await createConnection({ cpuRequest: '2 cores', cpuLimit: '4' }), 'cpuRequest');
    expectInvalidResources(await createConnection({ memoryRequest: '-1Gi' }), 'memoryRequest');
    expect(await count()).toBe(before);

    const id = ((await createConnection({ cpuLimit: '1' })).body as { id: string }).id;
    expectInvalidResources(await api.request('PATCH', `/api/v1/connections/${id}`, { body: { name: 'x', resourceRequirements: { cpuLimit: 'lots' } } }), 'cpuLimit');
    const stored = await storedConnection(id);
    expect(stored.resourceRequirements).toEqual({ cpuLimit: '1' });
    expect(stored.name).not.toBe('x');

    // not a string, or a field that is not a requirement: the schema's 400, naming it
    const numeric = await createConnection({ memoryLimit: 512 });
    expect(numeric.status, numeric.text).toBe(400);
    expect(JSON.stringify(numeric.body)).toContain('#/resourceRequirements/memoryLimit');
    const gpu = await createConnection({ gpuLimit: '1' });
    expect(gpu.status, gpu.text).toBe(400);
    expect(JSON.stringify(gpu.body)).toContain('#/resourceRequirements/gpuLimit');
  });

  it('a connector definition is created, read and updated with its resource requirements (builtins too)', async () => {
    const created = await api.request('POST', '/api/v1/source-definitions', {
      body: { name: 'source-with-resources', runtime: { kind: 'pypi', package: 'airbyte-source-faker', version: '6.2.0' }, resourceRequirements: { memoryLimit: '1Gi' } },
    });
    expect(created.status, created.text).toBe(201);
    const id = (created.body as { id: string }).id;
    expect(created.body).toMatchObject({ resourceRequirements: { memoryLimit: '1Gi' } });
    expect((await api.request('GET', `/api/v1/source-definitions/${id}`)).body).toMatchObject({ resourceRequirements: { memoryLimit: '1Gi' } });

    const updated = await api.request('PATCH', `/api/v1/source-definitions/${id}`, { body: { resourceRequirements: { cpuRequest: '100m', cpuLimit: '1' } } });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({ resourceRequirements: { cpuRequest: '100m', cpuLimit: '1' }, version: '6.2.0' });
    const stored = await api.dataSource.getRepository(ActorDefinitionEntity).findOneByOrFail({ id });
    expect(stored.resourceRequirements).toEqual({ cpuRequest: '100m', cpuLimit: '1' });

    const builtin = await seedDefinition(api.dataSource, 'destination', 'destination-builtin-resources', { connectionSpecification: { type: 'object' } });
    const builtinUpdated = await api.request('PATCH', `/api/v1/destination-definitions/${builtin.id}`, { body: { resourceRequirements: { memoryRequest: '256Mi' } } });
    expect(builtinUpdated.status, builtinUpdated.text).toBe(200);
    expect(builtinUpdated.body).toMatchObject({ resourceRequirements: { memoryRequest: '256Mi' } });
    // the spec cached for a builtin stays: nothing is reinstalled
    expect((await api.dataSource.getRepository(ActorDefinitionEntity).findOneByOrFail({ id: builtin.id })).spec).not.toBeNull();
    const cleared = await api.request('PATCH', `/api/v1/destination-definitions/${builtin.id}`, { body: { resourceRequirements: null } });
    expect((cleared.body as { resourceRequirements: unknown }).resourceRequirements).toBeNull();

    // a source definition is not a destination definition
    expect((await api.request('PATCH', `/api/v1/destination-definitions/${id}`, { body: { resourceRequirements: null } })).status).toBe(404);
    // an update that changes nothing is a client mistake
    expect((await api.request('PATCH', `/api/v1/source-definitions/${id}`, { body: {} })).status).toBe(400);
  });

  it('a connector definition refuses invalid quantities with a 422 naming the field, and changes nothing', async () => {
    const invalid = await api.request('POST', '/api/v1/source-definitions', {
      body: { name: 'source-bad-resources', runtime: { kind: 'pypi', package: 'airbyte-source-faker', version: '6.2.0' }, resourceRequirements: { memoryRequest: '2GB', memoryLimit: '4Gi' } },
    });
    expectInvalidResources(invalid, 'memoryRequest');
    expect(await api.dataSource.getRepository(ActorDefinitionEntity).existsBy({ name: 'source-bad-resources' })).toBe(false);

    const builtin = await seedDefinition(api.dataSource, 'source', 'source-builtin-bad-resources', { connectionSpecification: { type: 'object' } });
    await api.dataSource.getRepository(ActorDefinitionEntity).update({ id: builtin.id }, { resourceRequirements: { cpuLimit: '2' } });
    expectInvalidResources(await api.request('PATCH', `/api/v1/source-definitions/${builtin.id}`, { body: { resourceRequirements: { cpuLimit: '2 cores' } } }), 'cpuLimit');
    expect((await api.dataSource.getRepository(ActorDefinitionEntity).findOneByOrFail({ id: builtin.id })).resourceRequirements).toEqual({ cpuLimit: '2' });
  });
});
