// spec / check / discover through Temporal: the connectorCommandWorkflow and the real
// runConnectorCommand activity, on a real Temporal dev server.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorCatalogEntity, sealJson } from '@tributary/db';
import type { ConnectorDefinition } from '@tributary/launcher';
import {
  TRIBUTARY_TASK_QUEUE,
  connectorCommandWorkflowId,
  type ConnectorCommandInput,
  type ConnectorCommandResult,
} from '@tributary/workflows';
import type { connectorCommandWorkflow } from '@tributary/workflows/workflows';
import { sourceSample, startHarness, type Harness } from './testing/harness.testing.js';

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

  it('returns the spec, a check result and the catalog of source-sample', async () => {
    const spec = await run({ command: 'spec', definition: sourceSample });
    expect(spec).toMatchObject({ ok: true, command: 'spec', value: { connectionSpecification: { title: 'Sample Source Spec' } } });

    const check = await run({ command: 'check', definition: sourceSample, sealedConfig: sealJson(h.secretKey, { count: 10 }) });
    expect(check).toMatchObject({ ok: true, value: { status: 'SUCCEEDED' } });

    // the catalog is stored for the source and answered by id
    const { sourceId } = await h.seedConnection({ sourceConfig: {} });
    const discover = await run({
      command: 'discover',
      definition: sourceSample,
      sealedConfig: sealJson(h.secretKey, { streams: ['users', 'products'] }),
      sourceId,
    });
    if (!discover.ok || discover.command !== 'discover') throw new Error(`discover failed: ${JSON.stringify(discover)}`);
    const stored = await h.dataSource.getRepository(ActorCatalogEntity).findOneByOrFail({ id: discover.value.catalogId });
    expect(stored.actorId).toBe(sourceId);
    expect(stored.catalog.streams.map((s) => s.name)).toEqual(['users', 'products']);
  });

  it('fails a discover without a source, or for a source that is gone, without retrying', async () => {
    const config = sealJson(h.secretKey, { streams: ['users'] });
    await expect(run({ command: 'discover', definition: sourceSample, sealedConfig: config })).rejects.toMatchObject({
      cause: { cause: { type: 'MissingSourceId' } },
    });
    await expect(
      run({ command: 'discover', definition: sourceSample, sealedConfig: config, sourceId: randomUUID() }),
    ).rejects.toMatchObject({
      cause: { cause: { type: 'SourceNotFound', message: expect.stringContaining('no longer exists') } },
    });
  });

  it('reports a bad config as a failed check, not an error', async () => {
    const check = await run({ command: 'check', definition: sourceSample, sealedConfig: sealJson(h.secretKey, { count: 'many' }) });
    expect(check).toMatchObject({ ok: true, value: { status: 'FAILED', message: expect.stringContaining('count') } });
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
