#!/usr/bin/env node
// End-to-end sync latency on the embedded stack: source-sample (count 1000, every stream it
// offers) -> destination-postgres (the stack's own Postgres, schema bench_e2e) or
// destination-dev-null (BENCH_DESTINATION=dev-null). 20 syncs one after the other, each timed
// from `POST /api/v1/jobs` until `GET /api/v1/jobs/{id}` says succeeded. One uncounted
// warm-up sync first (worker start-up, first connector spawn). Target (DESIGN.md): p50 < 2 s.
// The last line printed is one JSON object: {"bench":"e2e","p50_ms":..,"p95_ms":..,...}
//
// Build first (`npm run bench:e2e` does): npm run build && npm run bundle -w @tributary/worker
// Env: BENCH_SYNCS (default 20), BENCH_RECORDS (source-sample count, default 1000),
//      BENCH_DESTINATION (postgres | dev-null, default postgres).
import { allStreams, createActor, log, percentile, startBenchStack } from './stack/bench-support.mjs';

const SYNCS = Number(process.env.BENCH_SYNCS ?? 20);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1000);
const DESTINATION = process.env.BENCH_DESTINATION ?? 'postgres';
const JOB_TIMEOUT_MS = 120_000;
const POLL_MS = 20;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function createDestination(api, databaseUrl) {
  if (DESTINATION === 'dev-null') return createActor(api, 'destination', 'destination-dev-null', {});
  if (DESTINATION !== 'postgres') throw new Error(`BENCH_DESTINATION must be postgres or dev-null, got '${DESTINATION}'`);
  const db = new URL(databaseUrl);
  return createActor(api, 'destination', 'destination-postgres', {
    host: db.hostname,
    port: Number(db.port || 5432),
    database: decodeURIComponent(db.pathname.slice(1)),
    username: decodeURIComponent(db.username),
    password: decodeURIComponent(db.password),
    schema: 'bench_e2e',
  });
}

/** POST /jobs (waiting out a 409 while the previous job releases the connection), then poll until it ends */
async function timedSync(api, connectionId) {
  const started = performance.now();
  let job;
  for (;;) {
    const response = await api.call('POST', '/jobs', { connectionId, jobType: 'sync' }, [201, 409]);
    if (response.status === 201) {
      job = response.body;
      break;
    }
    // 409 also means "connection not active": only a running job is worth waiting for
    if (!response.body?.runningJobId || performance.now() - started > JOB_TIMEOUT_MS) {
      throw new Error(`POST /jobs -> 409 ${JSON.stringify(response.body)}`);
    }
    await sleep(POLL_MS);
  }
  const jobId = job.id ?? job.jobId;
  for (;;) {
    const current = await api.json('GET', `/jobs/${jobId}`);
    if (current.status === 'succeeded') {
      const attempt = current.attempts?.at(-1);
      return { jobId, ms: performance.now() - started, records: attempt?.stats?.recordsCommitted ?? attempt?.stats?.recordsEmitted };
    }
    if (current.status === 'failed' || current.status === 'cancelled') {
      const reasons = (current.attempts ?? []).flatMap((a) => a.failureReasons ?? []);
      throw new Error(`job ${jobId} ${current.status}: ${JSON.stringify(reasons)}`);
    }
    if (performance.now() - started > JOB_TIMEOUT_MS)
      throw new Error(`job ${jobId} still ${current.status} after ${JOB_TIMEOUT_MS / 1000} s`);
    await sleep(POLL_MS);
  }
}

async function main() {
  const { api, info, stop } = await startBenchStack('e2e');
  try {
    const sourceId = await createActor(api, 'source', 'source-sample', { count: RECORDS });
    const destinationId = await createDestination(api, info.databaseUrl);
    const streams = await allStreams(api, sourceId);
    const connection = await api.json(
      'POST',
      '/connections',
      { name: 'bench e2e', sourceId, destinationId, streams, schedule: { scheduleType: 'manual' } },
      [201],
    );
    log(`connection ${connection.id}: source-sample (${RECORDS}; ${streams.map((s) => s.name).join(', ')}) -> destination-${DESTINATION}`);

    const warmUp = await timedSync(api, connection.id);
    console.log(`warm-up sync (not counted): ${Math.round(warmUp.ms)} ms`);
    const times = [];
    for (let i = 1; i <= SYNCS; i++) {
      const sync = await timedSync(api, connection.id);
      times.push(sync.ms);
      console.log(`sync ${i}/${SYNCS}: job ${sync.jobId}, ${sync.records ?? '?'} records, ${Math.round(sync.ms)} ms`);
    }
    const p50 = Math.round(percentile(times, 50));
    const p95 = Math.round(percentile(times, 95));
    console.log(`p50 ${p50} ms, p95 ${p95} ms (target p50 < 2000 ms): ${p50 < 2000 ? 'met' : 'NOT met'}`);
    console.log(JSON.stringify({ bench: 'e2e', p50_ms: p50, p95_ms: p95, syncs: SYNCS, records: RECORDS, destination: DESTINATION }));
  } finally {
    await stop();
  }
}

await main().catch((error) => {
  log(error.message);
  process.exitCode = 1;
});
