#!/usr/bin/env node
// Config API benchmark on the embedded stack: 1,000 connections (source-sample ->
// destination-dev-null) created through the API, then autocannon with 50 concurrent
// clients on the list and get endpoints. Target (DESIGN.md): p99 < 50 ms.
// The last line printed is one JSON object:
//   {"bench":"api","p99_ms":<worst p99>,"rps":<requests/s over both runs>,...}
//
// Build first (`npm run bench:api` does): npm run build && npm run bundle -w @tributary/worker
// Env: BENCH_CONNECTIONS (default 1000), BENCH_DURATION_S (per endpoint, default 10),
//      BENCH_CLIENTS (default 50); DATABASE_URL / TEMPORAL_ADDRESS as for `npm start`.
import autocannon from 'autocannon';
import { allStreams, createActor, log, startBenchStack, waitForQuiet } from './stack/bench-support.mjs';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1000);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const CREATE_CONCURRENCY = 16;

async function createConnections(api, count) {
  const sourceId = await createActor(api, 'source', 'source-sample', { count: 1000 });
  const destinationId = await createActor(api, 'destination', 'destination-dev-null', {});
  const streams = await allStreams(api, sourceId);
  const ids = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const body = { name: `bench ${n}`, sourceId, destinationId, streams, schedule: { scheduleType: 'manual' } };
      ids.push((await api.json('POST', '/connections', body, [201])).id);
    }
  };
  await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker));
  return ids;
}

/** one autocannon run; `path()` gives each request's path */
function load(api, path, durationS) {
  const url = new URL(api.apiUrl);
  return autocannon({
    url: url.origin,
    connections: CLIENTS,
    duration: durationS,
    headers: { authorization: `Bearer ${api.token}` },
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: path() }) }],
  });
}

async function measure(api, name, path) {
  await load(api, path, 2); // warm-up: JIT, connection pools, caches
  const result = await load(api, path, DURATION_S);
  const failed = result.non2xx + result.errors + result.timeouts;
  const figures = {
    endpoint: name,
    rps: Math.round(result.requests.average),
    total: result.requests.total,
    durationS: result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    failed,
  };
  console.log(
    `${name}: ${figures.rps} req/s, latency p50 ${figures.p50} ms, p90 ${figures.p90} ms, p99 ${figures.p99} ms, max ${figures.max} ms` +
      (failed ? `, ${failed} failed (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})` : ''),
  );
  return figures;
}

async function main() {
  const { api, stop } = await startBenchStack('api');
  try {
    log(`creating ${CONNECTIONS} connections through the API`);
    const started = Date.now();
    const ids = await createConnections(api, CONNECTIONS);
    const createS = (Date.now() - started) / 1000;
    console.log(`created ${ids.length} connections in ${createS.toFixed(1)} s (${Math.round(ids.length / createS)} per s)`);

    // each new connection starts its workflow: let that settle, then measure reads alone
    const settledAt = Date.now();
    const quiet = await waitForQuiet();
    log(`${quiet ? 'machine quiet' : 'machine still busy'} after ${((Date.now() - settledAt) / 1000).toFixed(0)} s`);
    log(`autocannon: ${CLIENTS} clients, ${DURATION_S} s per endpoint`);
    const prefix = new URL(api.apiUrl).pathname;
    const list = await measure(api, 'GET /api/v1/connections?limit=20', () => `${prefix}/connections?limit=20`);
    const get = await measure(
      api,
      'GET /api/v1/connections/{id}',
      () => `${prefix}/connections/${ids[Math.floor(Math.random() * ids.length)]}`,
    );

    const runs = [list, get];
    const p99 = Math.max(...runs.map((r) => r.p99));
    // both runs together: all requests answered over the time spent measuring
    const rps = Math.round(runs.reduce((n, r) => n + r.total, 0) / runs.reduce((s, r) => s + r.durationS, 0));
    const failed = runs.reduce((n, r) => n + r.failed, 0);
    console.log(`worst p99 ${p99} ms (target < 50 ms): ${p99 < 50 ? 'met' : 'NOT met'}`);
    console.log(JSON.stringify({ bench: 'api', p99_ms: p99, rps, connections: ids.length, clients: CLIENTS, failed }));
    if (failed) process.exitCode = 1;
  } finally {
    await stop();
  }
}

await main().catch((error) => {
  log(error.message);
  process.exitCode = 1;
});
