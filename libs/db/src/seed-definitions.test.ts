import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.js';
import { ActorDefinitionEntity } from './entities/index.js';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';
import { seedDefinitions, type SeedDefinition } from './seed-definitions.js';

const faker = (version: string): SeedDefinition => ({
  actorType: 'source',
  name: 'source-faker',
  runtime: { kind: 'pypi', package: 'airbyte-source-faker', version, entrypoint: 'source-faker' },
  version,
  image: `airbyte/source-faker:${version}`,
  documentationUrl: null,
});
const sample: SeedDefinition = { actorType: 'source', name: 'source-sample', runtime: { kind: 'builtin', name: 'source-sample' }, version: '1.0.0', image: null, documentationUrl: null };
const spec = { connectionSpecification: { type: 'object' } };

describe('seeding connector definitions', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource({ url: db.url }).initialize();
    await dataSource.runMigrations();
  });
  beforeEach(() => dataSource.query('DELETE FROM actor_definition'));
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });
  const get = (name: string) => dataSource.manager.findOneByOrFail(ActorDefinitionEntity, { name });

  it('moves a seeded connector to the new pinned version on upgrade and drops its old spec', async () => {
    await seedDefinitions(dataSource.manager, [faker('7.2.1')], async () => undefined);
    await dataSource.manager.update(ActorDefinitionEntity, { name: 'source-faker' }, { spec });
    const result = await seedDefinitions(dataSource.manager, [faker('7.3.0')], async () => undefined);
    expect(result.updated).toEqual(['source/source-faker']);
    expect(await get('source-faker')).toMatchObject({ version: '7.3.0', defaultVersion: '7.3.0', spec: null, runtime: { version: '7.3.0' } });
  });

  it('leaves a version a user chose alone, remembering the new default', async () => {
    await seedDefinitions(dataSource.manager, [faker('7.2.1')], async () => undefined);
    await dataSource.manager.update(ActorDefinitionEntity, { name: 'source-faker' }, { version: '6.0.0', runtime: faker('6.0.0').runtime });
    const result = await seedDefinitions(dataSource.manager, [faker('7.3.0')], async () => undefined);
    expect(result).toEqual({ created: [], updated: [], keptUserVersion: ['source/source-faker'] });
    expect(await get('source-faker')).toMatchObject({ version: '6.0.0', defaultVersion: '7.3.0' });
  });

  it('retries a builtin spec that could not be fetched, and then is stable', async () => {
    await seedDefinitions(dataSource.manager, [sample], async () => undefined);
    expect((await get('source-sample')).spec).toBeNull();
    expect(await seedDefinitions(dataSource.manager, [sample], async () => undefined)).toEqual({ created: [], updated: [], keptUserVersion: [] });
    expect((await seedDefinitions(dataSource.manager, [sample], async () => spec)).updated).toEqual(['source/source-sample']);
    expect((await get('source-sample')).spec).toEqual(spec);
    expect(await seedDefinitions(dataSource.manager, [sample], async () => spec)).toEqual({ created: [], updated: [], keptUserVersion: [] });
  });

  it('never touches a custom definition of the same name', async () => {
    await dataSource.manager.save(ActorDefinitionEntity, { ...faker('1.0.0'), defaultVersion: null, spec: null, custom: true });
    expect(await seedDefinitions(dataSource.manager, [faker('7.2.1')], async () => undefined)).toEqual({ created: [], updated: [], keptUserVersion: [] });
    expect((await get('source-faker')).version).toBe('1.0.0');
  });
});
