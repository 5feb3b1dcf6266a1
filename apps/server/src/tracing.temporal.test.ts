// OpenTelemetry traces, off by default. A real OTLP/HTTP receiver of the test's own on loopback,
// the Temporal dev server, PostgreSQL and a real worker process: with TRIBUTARY_TRACING=otlp a
// sync asked through the API is one trace from the request span through the connection
// workflow's update, the sync-job workflow and its activities; off, nothing is sent and the
// worker loads no OpenTelemetry module.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, waitFor } from '@tributary/testing';
import { sampleSyncs, startServerWithWorker, type ServerWithWorker } from '@tributary/testing/server';
import { startServerTracing } from './tracing/server-tracing.js';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
}

/** An OTLP/HTTP trace receiver (JSON encoding, as @opentelemetry/exporter-trace-otlp-http sends it). */
async function startOtlpReceiver(): Promise<{ url: string; requests: number; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const state = { requests: 0, spans: [] as ReceivedSpan[] };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.requests += 1;
      if (request.method === 'POST' && request.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            scopeSpans: { spans: Omit<ReceivedSpan, 'service'>[] }[];
          }[];
        };
        for (const { resource, scopeSpans } of body.resourceSpans) {
          const service = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const { spans } of scopeSpans) for (const span of spans) state.spans.push({ ...span, service });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get requests() {
      return state.requests;
    },
    spans: state.spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const RECORD_LOADED_MODULES = join(repoRoot, 'testing/fixtures/record-loaded-modules.mjs');
const OPEN_TELEMETRY = /\/node_modules\/(@opentelemetry\/|@temporalio\/interceptors-opentelemetry\/)/;

describe('OpenTelemetry traces of API request -> workflow -> activity', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let dir: string;
  let stack: ServerWithWorker | undefined;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    dir = await mkdtemp(join(tmpdir(), 'tributary-tracing-'));
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** a worker whose loaded modules are written to `file` */
  const recordedWorkerEnv = (file: string, env: Record<string, string>) => ({
    NODE_OPTIONS: `--import ${RECORD_LOADED_MODULES}`,
    TRIBUTARY_TEST_LOADED_MODULES: file,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    ...env,
  });
  const openTelemetryModulesIn = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter((url) => OPEN_TELEMETRY.test(url));

  it('is off by default: a sync sends nothing and the worker loads no OpenTelemetry module', async () => {
    const loaded = join(dir, 'off-modules.txt');
    // the receiver's URL is set, tracing is not: the URL alone turns nothing on
    stack = await startServerWithWorker('tracing-off', recordedWorkerEnv(loaded, {}));
    const syncs = await sampleSyncs(stack.api);
    expect((await syncs.sync(await syncs.connection({ count: 20 }))).status).toBe('succeeded');
    // longer than the exporter's batch delay (1 s)
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(receiver.requests).toBe(0);
    expect((await readFile(loaded, 'utf8')).length).toBeGreaterThan(0);
    expect(await openTelemetryModulesIn(loaded)).toEqual([]);
    expect(await startServerTracing({ TRIBUTARY_TRACING: 'off', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url })).toBeUndefined();
    await stack.stop();
    stack = undefined;
  });

  it('with TRIBUTARY_TRACING=otlp, one trace links the request span, the workflows and the activities of the sync it starts', async () => {
    const loaded = join(dir, 'on-modules.txt');
    const tracing = await startServerTracing({ TRIBUTARY_TRACING: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(tracing).toBeDefined();
    stack = await startServerWithWorker('tracing-on', recordedWorkerEnv(loaded, { TRIBUTARY_TRACING: 'otlp' }), { tracing: tracing! });
    const syncs = await sampleSyncs(stack.api);
    const connectionId = await syncs.connection({ count: 20 });
    const job = await syncs.sync(connectionId);
    expect(job.status).toBe('succeeded');
    await tracing!.flush();

    const request = await waitFor(
      'the span of POST /api/v1/jobs',
      () => receiver.spans.find((s) => s.service === 'tributary-server' && s.name === 'POST /api/v1/jobs'),
      10_000,
    );
    expect(request.kind).toBe(2); // SERVER
    const inTrace = () => receiver.spans.filter((s) => s.traceId === request.traceId);
    // the worker exports in batches: wait for the sync job's activities to arrive
    await waitFor(
      `the worker's spans in trace ${request.traceId}`,
      () =>
        (inTrace().some((s) => s.name === 'RunWorkflow:syncJobWorkflow') && inTrace().some((s) => s.name.startsWith('RunActivity:'))) ||
        undefined,
      15_000,
    );
    const names = inTrace().map((s) => `${s.service} ${s.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'tributary-server POST /api/v1/jobs',
        // the update asking the connection workflow for the job, sent and handled
        'tributary-server UpdateWithStartWorkflow:runJob',
        'tributary-worker HandleUpdate:runJob',
        // the job's own workflow, and the activities it ran
        'tributary-worker RunWorkflow:syncJobWorkflow',
      ]),
    );
    expect(names.filter((n) => n.startsWith('tributary-worker RunActivity:')).length).toBeGreaterThan(0);
    // every span of the trace hangs from another span of it, up to the request
    const ids = new Set(inTrace().map((s) => s.spanId));
    for (const span of inTrace()) if (span !== request) expect(ids.has(span.parentSpanId ?? ''), span.name).toBe(true);
    // the recorder above is not blind: with tracing on, the worker did load the SDK
    expect((await openTelemetryModulesIn(loaded)).length).toBeGreaterThan(0);
    await tracing!.shutdown();
  });
});
