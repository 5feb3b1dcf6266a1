// Definitions refresh against a real PostgreSQL, from a registry file and from a registry served over HTTP.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorDefinitionEntity } from '@tributary/db';
import { createMigratedDatabase, type MigratedDatabase } from '@tributary/testing/db';
import { readRegistry, refreshDefinitions } from './definitions-refresh.js';

const faker = (version: string) => ({
  actorType: 'source',
  name: 'source-faker',
  runtime: { kind: 'pypi', package: 'airbyte-source-faker', version, entrypoint: 'source-faker' },
  image: `airbyte/source-faker:${version}`,
});
const mine = (version: string) => ({ actorType: 'destination', name: 'destination-acme', runtime: { kind: 'npm', package: '@acme/destination', version } });

describe('definitions refresh', () => {
  let database: MigratedDatabase;
  let dir: string;
  let server: Server;
  let served = '';

  beforeAll(async () => {
    database = await createMigratedDatabase('definitions-refresh');
    dir = await mkdtemp(join(tmpdir(), 'tributary-registry-'));
    server = createServer((_req, res) => void res.writeHead(served ? 200 : 503).end(served));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await database?.close();
    await rm(dir, { recursive: true, force: true });
    await new Promise((resolve) => server?.close(resolve));
  });

  const definition = (name: string) => database.dataSource.getRepository(ActorDefinitionEntity).findOneByOrFail({ name });
  async function registryFile(definitions: unknown[]): Promise<string> {
    const path = join(dir, `registry-${Math.random()}.json`);
    await writeFile(path, JSON.stringify({ definitions }));
    return path;
  }

  it('adds new connectors, moves them to a new version, and leaves a version a user pinned', async () => {
    expect(await refreshDefinitions(database.dataSource, await registryFile([faker('7.2.1'), mine('1.0.0')]))).toEqual({
      definitions: 2,
      created: 2,
      updated: 0,
      keptUserVersion: 0,
    });
    expect(await definition('source-faker')).toMatchObject({ version: '7.2.1', defaultVersion: '7.2.1', installStatus: 'pending', custom: false });
    expect(await definition('destination-acme')).toMatchObject({ runtime: { kind: 'npm', package: '@acme/destination', version: '1.0.0' } });

    // nothing new: nothing written
    expect(await refreshDefinitions(database.dataSource, await registryFile([faker('7.2.1'), mine('1.0.0')]))).toMatchObject({ created: 0, updated: 0 });

    // a user keeps faker on the version they chose; acme moves
    const repo = database.dataSource.getRepository(ActorDefinitionEntity);
    const pinned = await definition('source-faker');
    await repo.update({ id: pinned.id }, { version: '7.0.0', runtime: { ...pinned.runtime, version: '7.0.0' } as ActorDefinitionEntity['runtime'] });
    expect(await refreshDefinitions(database.dataSource, await registryFile([faker('7.3.0'), mine('1.1.0')]))).toMatchObject({ updated: 1, keptUserVersion: 1 });
    expect(await definition('source-faker')).toMatchObject({ version: '7.0.0', defaultVersion: '7.3.0' });
    expect(await definition('destination-acme')).toMatchObject({ version: '1.1.0', installStatus: 'pending' });
  });

  it('reads a registry over HTTP, and names what is wrong with a bad one (changing nothing)', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/registry.json`;
    served = JSON.stringify({ definitions: [mine('2.0.0')] });
    expect(await readRegistry(url)).toEqual([{ ...mine('2.0.0'), version: '2.0.0', image: null, documentationUrl: null }]);

    served = JSON.stringify({ definitions: [mine('2.0.0'), { ...faker('1.0.0'), runtime: { kind: 'command', command: '/bin/sh' } }] });
    await expect(refreshDefinitions(database.dataSource, url)).rejects.toThrow(/definitions\[1\]\.runtime\.kind/);
    expect((await definition('destination-acme')).version).toBe('1.1.0');
    served = '';
    await expect(readRegistry(url)).rejects.toThrow(/answered HTTP 503/);
    await expect(readRegistry(await registryFile([{ ...mine('1.0.0'), name: 'Bad Name' }]))).rejects.toThrow(/definitions\[0\]\.name: must be lowercase/);
  });
});
