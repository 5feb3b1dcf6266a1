// Whether a failed attempt is retried, decided from what went wrong, and said in the job's
// record and log. A source built on the Python CDK ends a failed read with a config_error that
// only sums up the streams that failed; the stream's own error decides. The source here speaks
// exactly as the CDK does when an API answers HTTP 500 (or 401) for one stream.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptEntity } from '@tributary/db';
import { TRIBUTARY_TASK_QUEUE, syncJobWorkflowId } from '@tributary/workflows';
import type { syncJobWorkflow } from '@tributary/workflows/workflows';
import { seedConnection } from '@tributary/testing/db';
import { devNull, sampleCatalog, startHarness, type Harness } from '@tributary/testing/worker';

/** A source whose read fails like a CDK source: the stream's error of `failureType`, then the CDK's summary. */
const cdkLikeSource = (failureType: string) => `
const command = process.argv[2];
const emit = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
const users = { name: 'users', json_schema: { type: 'object', properties: { id: { type: 'integer' } } }, supported_sync_modes: ['full_refresh', 'incremental'], source_defined_cursor: true };
if (command === 'spec') emit({ type: 'SPEC', spec: { connectionSpecification: { type: 'object' } } });
if (command === 'check') emit({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } });
if (command === 'discover') emit({ type: 'CATALOG', catalog: { streams: [users] } });
if (command === 'read') {
  emit({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: Date.now(), error: { message: 'the API answered ${failureType === 'transient_error' ? 'HTTP 500' : 'HTTP 401'}', failure_type: '${failureType}', stream_descriptor: { name: 'users' } } } });
  emit({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: Date.now(), error: { message: "During the sync, the following streams did not sync successfully: users: AirbyteTracedException('the API answered')", failure_type: 'config_error' } } });
  process.exit(1);
}
`;

describe('retries decided from the individual errors', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await startHarness();
    dir = await mkdtemp(join(tmpdir(), 'tributary-retries-'));
  });
  afterAll(async () => {
    await h?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function runFailingSync(failureType: 'transient_error' | 'config_error') {
    const script = join(dir, `${failureType}.mjs`);
    await writeFile(script, cdkLikeSource(failureType));
    const { connectionId } = await seedConnection(h.dataSource, h.secretKey, {
      source: { runtime: { kind: 'command', command: process.execPath, args: [script] }, config: {} },
      destination: { ...devNull, config: {} },
      catalog: sampleCatalog(['users']),
    });
    const { jobId } = await h.persistence.createJob(connectionId, 'manual', { kind: 'sync' });
    const result = await h.client.workflow.execute<typeof syncJobWorkflow>('syncJobWorkflow', {
      taskQueue: TRIBUTARY_TASK_QUEUE,
      workflowId: syncJobWorkflowId(jobId),
      args: [{ connectionId, jobId, retryPolicy: { maxSuccessiveCompleteFailures: 2, backoffInitialMs: 1000 } }],
    });
    const attempts = await h.dataSource.getRepository(AttemptEntity).find({ where: { jobId }, order: { attemptNumber: 'ASC' } });
    const lastLog = await readFile(join(h.dir, 'logs', connectionId, jobId, `attempt-${attempts.length}.jsonl`), 'utf8');
    return { result, attempts, lastLog };
  }

  it("retries a stream's transient error although the CDK closes with a config_error, and says so", async () => {
    const { result, attempts, lastLog } = await runFailingSync('transient_error');
    expect(result.status).toBe('failed');
    expect(attempts.map((a) => a.status)).toEqual(['failed', 'failed']);
    // the stream's own error is the cause; the summary follows it
    expect(result.failures.map((f) => f.type)).toEqual(['transient_error', 'config_error']);
    expect(attempts.map((a) => a.nextStep)).toEqual([
      'retried in 1 s: transient error from the source (stream users)',
      'not retried: 2 successive complete failures (transient error from the source (stream users))',
    ]);
    expect(lastLog).toContain('not retried: 2 successive complete failures');
  });

  it("does not retry a stream's configuration error, and says why", async () => {
    const { result, attempts, lastLog } = await runFailingSync('config_error');
    expect(result.status).toBe('failed');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.nextStep).toBe('not retried: config error from the source (stream users) (retrying cannot help)');
    expect(lastLog).toContain('not retried: config error from the source (stream users)');
  });

  it('retries a real low-code source (airbyte-source-declarative-manifest) whose API answers HTTP 500 once, and then succeeds', async () => {
    // the API: the first request fails, every later one answers three customers
    let requests = 0;
    const api: Server = createServer((_req, res) => {
      requests += 1;
      if (requests === 1) return res.writeHead(500).end('{"error":"boom"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [1, 2, 3].map((id) => ({ id, name: `customer ${id}` })) }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const customers = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } };
      const manifest = {
        version: '6.5.2',
        type: 'DeclarativeSource',
        check: { type: 'CheckStream', stream_names: ['customers'] },
        spec: { type: 'Spec', connection_specification: { type: 'object', properties: {} } },
        streams: [
          {
            type: 'DeclarativeStream',
            name: 'customers',
            primary_key: ['id'],
            schema_loader: { type: 'InlineSchemaLoader', schema: customers },
            retriever: {
              type: 'SimpleRetriever',
              requester: {
                type: 'HttpRequester',
                url_base: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
                path: '/customers',
                http_method: 'GET',
                // fail the attempt at once instead of the CDK's own backoff: the platform retries it
                error_handler: {
                  type: 'DefaultErrorHandler',
                  response_filters: [{ type: 'HttpResponseFilter', http_codes: [500], action: 'FAIL', failure_type: 'transient_error', error_message: 'the API answered HTTP 500' }],
                },
              },
              record_selector: { type: 'RecordSelector', extractor: { type: 'DpathExtractor', field_path: ['data'] } },
            },
          },
        ],
      };
      const { connectionId } = await seedConnection(h.dataSource, h.secretKey, {
        source: {
          runtime: { kind: 'pypi', package: 'airbyte-source-declarative-manifest', version: '6.5.2', entrypoint: 'source-declarative-manifest' },
          config: { __injected_declarative_manifest: manifest },
        },
        destination: { ...devNull, config: {} },
        catalog: {
          streams: [
            { stream: { name: 'customers', json_schema: customers, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' },
          ],
        },
      });
      const { jobId } = await h.persistence.createJob(connectionId, 'manual', { kind: 'sync' });
      const result = await h.client.workflow.execute<typeof syncJobWorkflow>('syncJobWorkflow', {
        taskQueue: TRIBUTARY_TASK_QUEUE,
        workflowId: syncJobWorkflowId(jobId),
        args: [{ connectionId, jobId, retryPolicy: { backoffInitialMs: 1000 } }],
      });
      expect(result.status, JSON.stringify(result.failures)).toBe('succeeded');
      const attempts = await h.dataSource.getRepository(AttemptEntity).find({ where: { jobId }, order: { attemptNumber: 'ASC' } });
      expect(attempts.map((a) => a.status)).toEqual(['failed', 'succeeded']);
      // what the CDK said: the stream's transient error, then its config_error summary
      expect(attempts[0]!.failureReasons.map((f) => [f.type, f.stream?.name ?? null])).toEqual([
        ['transient_error', 'customers'],
        ['config_error', null],
      ]);
      expect(attempts[0]!.nextStep).toBe('retried in 1 s: transient error from the source (stream customers)');
      expect(result.attempts[1]).toMatchObject({ recordsCommitted: 3 });
    } finally {
      await new Promise((resolve) => api.close(resolve));
    }
  }, 600_000);
});
