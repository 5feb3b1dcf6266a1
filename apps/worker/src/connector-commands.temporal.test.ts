// spec / check / discover through Temporal: the connectorCommandWorkflow and the real
// runConnectorCommand activity, on a real Temporal dev server.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_MASK } from '@tributary/domain';
import { ActorCatalogEntity, sealJson } from '@tributary/db';
import { seedConnection } from '@tributary/testing/db';
import type { ConnectorDefinition } from '@tributary/launcher';
import {
  TRIBUTARY_TASK_QUEUE,
  connectorCommandWorkflowId,
  type ConnectorCommandInput,
  type ConnectorCommandResult,
} from '@tributary/workflows';
import type { connectorCommandWorkflow } from '@tributary/workflows/workflows';
import { devNull, sampleCatalog, sourceSample, startHarness, type Harness } from '@tributary/testing/worker';

describe('connector commands through Temporal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  const run = (input: ConnectorCommandInput): Promise<ConnectorCommandResult> =>
    h.client.workflow.execute<typeof connectorCommandWorkflow>('connectorCommandWorkflow', {
      taskQueue: TRIBUTARY_TASK_QUEUE,
      workflowId: connectorCommandWorkflowId(randomUUID()),
      args: [input],
      workflowExecutionTimeout: '5 minutes',
    });

  const sealed = (config: Record<string, unknown>, secretValues: string[] = []) => ({ sealed: sealJson(h.secretKey, { config, secretValues }) });

  it('returns the spec, a check result and the catalog of source-sample', async () => {
    const spec = await run({ command: 'spec', definition: sourceSample });
    expect(spec).toMatchObject({ ok: true, command: 'spec', value: { connectionSpecification: { title: 'Sample Source Spec' } } });

    const check = await run({ command: 'check', definition: sourceSample, config: sealed({ count: 10 }) });
    expect(check).toMatchObject({ ok: true, value: { status: 'SUCCEEDED' } });

    // a saved source goes by id: the worker loads its stored config, and stores the catalog for it
    const { sourceId } = await h.seedConnection({ sourceConfig: { streams: ['users', 'products'] } });
    const discover = await run({ command: 'discover', definition: sourceSample, config: { actorId: sourceId } });
    if (!discover.ok || discover.command !== 'discover') throw new Error(`discover failed: ${JSON.stringify(discover)}`);
    const stored = await h.dataSource.getRepository(ActorCatalogEntity).findOneByOrFail({ id: discover.value.catalogId });
    expect(stored.actorId).toBe(sourceId);
    expect(stored.catalog.streams.map((s) => s.name)).toEqual(['users', 'products']);
  });

  it('fails a discover without a saved source, or for a source that is gone, without retrying', async () => {
    await expect(run({ command: 'discover', definition: sourceSample, config: sealed({ streams: ['users'] }) })).rejects.toMatchObject({
      cause: { type: 'InvalidInput', message: expect.stringContaining('saved source') },
    });
    await expect(run({ command: 'discover', definition: sourceSample, config: { actorId: randomUUID() } })).rejects.toMatchObject({
      cause: { cause: { type: 'not_found', message: expect.stringContaining('not found') } },
    });
  });

  it('reports a bad config as a failed check, not an error', async () => {
    const check = await run({ command: 'check', definition: sourceSample, config: sealed({ count: 'many' }) });
    expect(check).toMatchObject({ ok: true, value: { status: 'FAILED', message: expect.stringContaining('count') } });
  });

  it("masks the config's secrets in what the connector answers, for a sealed config and for a saved one", async () => {
    // source-sample quotes an unknown stream name in its check failure: here that name is the secret
    const planted = `planted-${randomUUID()}`;
    const fromSealed = await run({ command: 'check', definition: sourceSample, config: sealed({ streams: [planted] }, [planted]) });
    expect(fromSealed).toMatchObject({ ok: true, value: { status: 'FAILED', message: expect.stringContaining(`unknown stream "${SECRET_MASK}"`) } });
    expect(JSON.stringify(fromSealed)).not.toContain(planted);

    const spec = { connectionSpecification: { type: 'object', properties: { token: { type: 'string', airbyte_secret: true }, streams: { type: 'array' } } } };
    const { sourceId } = await seedConnection(h.dataSource, h.secretKey, {
      source: { ...sourceSample, spec, config: { token: planted, streams: [planted] } },
      destination: { ...devNull, config: {} },
      catalog: sampleCatalog(['users']),
    });
    const fromSaved = await run({ command: 'check', definition: sourceSample, config: { actorId: sourceId } });
    expect(fromSaved).toMatchObject({ ok: true, value: { status: 'FAILED', message: expect.stringContaining(`unknown stream "${SECRET_MASK}"`) } });
    expect(JSON.stringify(fromSaved)).not.toContain(planted);
  });

  it('returns a connector that cannot run as a failure naming the connector', async () => {
    const missing: ConnectorDefinition = { runtime: { kind: 'command', command: '/nonexistent/connector' } };
    const result = await run({ command: 'spec', definition: missing });
    expect(result).toMatchObject({ ok: false, failure: { origin: 'source' } });
  });

  it('gets the spec of airbyte-source-faker from PyPI (installed once into the cache)', async () => {
    const faker: ConnectorDefinition = { runtime: { kind: 'pypi', package: 'airbyte-source-faker', version: '7.2.1' } };
    const spec = await run({ command: 'spec', definition: faker });
    expect(spec.ok).toBe(true);
    expect(spec.ok && spec.command === 'spec' && Object.keys(spec.value.connectionSpecification['properties'] as object)).toContain(
      'count',
    );
  }, 300_000);
});
