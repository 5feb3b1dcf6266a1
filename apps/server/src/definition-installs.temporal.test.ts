// PyPI connectors install in the background: adding one answers at once, calls that need it
// meanwhile answer 503 with Retry-After instead of holding the request for the minute pip
// takes, and a failed install says pip's reason and is not run again on every call. A real
// worker process installs real PyPI packages (into the per-user cache, so a second run is quick).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorDefinitionEntity } from '@tributary/db';
import { connectorInstallDir, waitFor } from '@tributary/testing';
import { startServerWithWorker, type ApiHarness, type ServerWithWorker } from '@tributary/testing/server';

interface Definition {
  id: string;
  installStatus: string;
  installError: string | null;
  specAvailable: boolean;
}

const hardcodedRecords = (version: string) => ({
  kind: 'pypi' as const,
  package: 'airbyte-source-hardcoded-records',
  version,
  entrypoint: 'source-hardcoded-records',
});

describe('background installs of PyPI connectors', () => {
  let stack: ServerWithWorker | undefined;
  let api: ApiHarness;
  beforeAll(async () => {
    // the per-user cache holds installed connectors across runs; connectors run as this user, who can enter it
    stack = await startServerWithWorker(
      'installs',
      { TRIBUTARY_CONNECTORS_DIR: connectorInstallDir(), TRIBUTARY_CONNECTOR_USER: 'root' },
      // pending installs (seeded connectors) start in the background, one a second here
      { pendingInstallsIntervalMs: 1000 },
    );
    ({ api } = stack);
  });
  afterAll(() => stack?.stop());

  const add = (version: string) =>
    api.request('POST', '/api/v1/source-definitions', { body: { name: `hardcoded-${randomUUID()}`, runtime: hardcodedRecords(version) } });
  const definition = async (id: string) => (await api.request('GET', `/api/v1/source-definitions/${id}`)).body as Definition;
  const settled = (id: string) =>
    waitFor(
      'the install to end',
      async () => {
        const d = await definition(id);
        return d.installStatus === 'ready' || d.installStatus === 'failed' ? d : undefined;
      },
      4 * 60_000,
    );

  it('adds a PyPI connector at once, answers 503 with Retry-After while it installs, then serves its spec', async () => {
    const started = Date.now();
    const created = await add('0.0.48');
    expect(created.status, created.text).toBe(201);
    expect(Date.now() - started).toBeLessThan(5_000);
    const { id } = created.body as Definition;
    expect(created.body).toMatchObject({ installStatus: 'installing', specAvailable: false });

    // a Python connector takes seconds to start even when installed: the spec is not there yet
    const meanwhile = await api.request('GET', `/api/v1/source-definitions/${id}/specification`);
    expect(meanwhile.status, meanwhile.text).toBe(503);
    expect(meanwhile.headers.get('retry-after')).toBe('15');
    expect(meanwhile.body).toMatchObject({ code: 'connector_installing', retryAfterSeconds: 15 });

    expect(await settled(id)).toMatchObject({ installStatus: 'ready', installError: null, specAvailable: true });
    const spec = await api.request('GET', `/api/v1/source-definitions/${id}/specification`);
    expect(spec.status, spec.text).toBe(200);
  }, 10 * 60_000);

  it("says pip's reason for a failed install, does not run it again on every call, and tries again when asked", async () => {
    const created = await add('0.0.0');
    const { id } = created.body as Definition;
    const failed = await settled(id);
    expect(failed.installStatus).toBe('failed');
    expect(failed.installError).toMatch(/airbyte-source-hardcoded-records==0\.0\.0/);
    const startedAt = async () =>
      (await api.dataSource.query(`SELECT install_started_at AS at FROM actor_definition WHERE id = $1`, [id]))[0].at as Date;
    const firstTry = await startedAt();

    for (let i = 0; i < 2; i++) {
      const call = await api.request('GET', `/api/v1/source-definitions/${id}/specification`);
      expect(call.status, call.text).toBe(409);
      expect(call.body).toMatchObject({ code: 'connector_install_failed' });
      expect((call.body as { detail: string }).detail).toContain(failed.installError!);
    }
    // creating a source needs the spec: the same answer, nothing runs
    const source = await api.request('POST', '/api/v1/sources', {
      body: { workspaceId: api.workspaceId, definitionId: id, name: `s-${randomUUID()}`, configuration: {} },
    });
    expect(source.status, source.text).toBe(409);
    expect(await startedAt()).toEqual(firstTry);

    const retried = await api.request('POST', `/api/v1/source-definitions/${id}/install`);
    expect(retried.status, retried.text).toBe(202);
    expect(retried.body).toMatchObject({ installStatus: 'installing' });
    expect(await settled(id)).toMatchObject({ installStatus: 'failed' });
    expect((await startedAt()).getTime()).toBeGreaterThan(firstTry.getTime());
  }, 10 * 60_000);

  it('installs a seeded connector in the background, before anyone needs it', async () => {
    // as the bootloader seeds one: pending, no spec
    const seeded = await api.dataSource.getRepository(ActorDefinitionEntity).save({
      actorType: 'source',
      name: `seeded-hardcoded-${randomUUID()}`,
      runtime: hardcodedRecords('0.0.48'),
      version: '0.0.48',
      defaultVersion: '0.0.48',
      image: null,
      documentationUrl: null,
      spec: null,
      custom: false,
      installStatus: 'pending',
    });
    const ended = await settled(seeded.id).catch((error: Error) => {
      throw new Error(`${error.message}; server log: ${api.logLines.filter((l) => l.includes('install')).join('\n').slice(-3000)}`);
    });
    expect(ended).toMatchObject({ installStatus: 'ready', specAvailable: true });
  }, 10 * 60_000);
});
