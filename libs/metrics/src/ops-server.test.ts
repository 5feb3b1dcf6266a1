import { Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './registry.js';
import { startOpsServer, type OpsServer, type Readiness } from './ops-server.js';

describe('the ops server', () => {
  let server: OpsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(ready: () => Promise<Readiness>, live?: () => boolean) {
    const registry = createMetricsRegistry('test-service');
    const counter = new Counter({ name: 'tributary_things_total', help: 'Things.', labelNames: ['kind'], registers: [registry] });
    server = await startOpsServer({ host: '127.0.0.1', port: 0, registry, ready, ...(live ? { live } : {}) });
    const get = async (path: string, method = 'GET') => {
      const response = await fetch(`http://127.0.0.1:${server!.port}${path}`, { method });
      return { status: response.status, text: await response.text(), headers: response.headers };
    };
    return { counter, get };
  }

  it('serves the registry in the Prometheus format, with the service label and process metrics', async () => {
    const { counter, get } = await start(async () => ({ ready: true }));
    counter.inc({ kind: 'a' }, 3);
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.text).toContain('tributary_things_total{kind="a",service="test-service"} 3');
    expect(metrics.text).toMatch(/^process_resident_memory_bytes\{service="test-service"\} \d+/m);
  });

  it('answers readiness from its check: 200, or 503 with the reason, also when the check throws', async () => {
    let state: Readiness | Error = { ready: true };
    const { get } = await start(async () => {
      if (state instanceof Error) throw state;
      return state;
    });
    expect(await get('/readyz')).toMatchObject({ status: 200, text: 'ready\n' });
    state = { ready: false, reason: 'the Temporal worker is draining' };
    expect(await get('/readyz')).toMatchObject({ status: 503, text: 'not ready: the Temporal worker is draining\n' });
    state = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    expect(await get('/readyz')).toMatchObject({ status: 503, text: 'not ready: connect ECONNREFUSED 127.0.0.1:5432\n' });
  });

  it('answers liveness, 404 naming its paths and 405 for other methods', async () => {
    let alive = true;
    const { get } = await start(async () => ({ ready: true }), () => alive);
    expect(await get('/livez')).toMatchObject({ status: 200, text: 'alive\n' });
    alive = false;
    expect((await get('/livez')).status).toBe(503);
    expect(await get('/nope')).toMatchObject({ status: 404, text: 'not found: try /metrics, /livez or /readyz\n' });
    const post = await get('/metrics', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
