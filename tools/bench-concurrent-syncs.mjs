#!/usr/bin/env node
// Many syncs at once on one worker of the embedded stack: BENCH_CONNECTIONS connections (default
// 10), each source-sample (users, BENCH_RECORDS records, default 200,000) -> destination-postgres
// (the stack's own database, a schema per connection), full refresh overwrite.
//   1. one sync alone: single_rps = its records / (POST /jobs -> succeeded), the median of
//      BENCH_SINGLE_ROUNDS (default 3) such syncs;
//   2. every connection's sync started at once: aggregate_rps = all records / wall time from the
//      first POST to the last succeeded.
// Meanwhile the worker process's resident memory is sampled every 200 ms (worker_peak_rss_mib),
// and each job's progress is polled: a sync that has moved no record for a long while after the
// start is reported as waiting (the figure `slowest_first_progress_s`: how long the last of them
// took to show its first record). The machine's busy cores are measured over each phase: near
// the core count, the CPU is the limit (single_busy_cores, concurrent_busy_cores).
// Last line: {"bench":"concurrent-syncs","single_rps":..,"aggregate_rps":..,"ratio":..,"worker_peak_rss_mib":..}
//
// Build first (`npm run bench:concurrent-syncs` does).
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { cpuMeter, createActor, log, percentile, postgresDestinationConfig, startBenchStack, timedSync } from './stack/bench-support.mjs';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const JOB_TIMEOUT_MS = 1_800_000;
const POLL_MS = 1000;
const SINGLE_ROUNDS = Number(process.env.BENCH_SINGLE_ROUNDS ?? 3);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** resident memory of a process in MiB (0 once it is gone) */
async function rssMib(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

async function createConnection(api, info, i) {
  const sourceId = await createActor(api, 'source', 'source-sample', { count: RECORDS, streams: ['users'] });
  const destinationId = await createActor(api, 'destination', 'destination-postgres', postgresDestinationConfig(info.databaseUrl, `bench_concurrent_${i}`));
  await api.json('POST', `/sources/${sourceId}/discover`, undefined, [200]);
  const connection = await api.json(
    'POST',
    '/connections',
    {
      name: `bench concurrent ${i}`,
      sourceId,
      destinationId,
      streams: [{ name: 'users', namespace: null, syncMode: 'full_refresh_overwrite' }],
      schedule: { scheduleType: 'manual' },
    },
    [201],
  );
  return connection.id;
}

/**
 * Starts a sync; resolves with {s, records, firstProgressS} when it has succeeded. `s` is the
 * job's own succeeded time from `startedAt` (Date.now()); polling, every `pollMs`, only learns
 * of it and of the first progress, and is kept rare so ten pollers do not load the machine.
 */
async function runSync(api, connectionId, startedAt, pollMs = POLL_MS) {
  let firstProgressS;
  const onPoll = (current) => {
    if (firstProgressS === undefined && (current.attempts?.at(-1)?.stats?.recordsEmitted ?? 0) > 0) firstProgressS = (Date.now() - startedAt) / 1000;
  };
  const { job, s } = await timedSync(api, connectionId, { pollMs, timeoutMs: JOB_TIMEOUT_MS, startedAt, onPoll });
  return { s, records: job.attempts?.at(-1)?.stats?.recordsCommitted ?? 0, firstProgressS: firstProgressS ?? s };
}

async function main() {
  const { api, info, stop, pidOf } = await startBenchStack('concurrent-syncs');
  let peakRss = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const pid = pidOf('worker');
      if (pid) peakRss = Math.max(peakRss, await rssMib(pid));
      await sleep(200);
    }
  })();
  try {
    const connections = [];
    for (let i = 0; i < CONNECTIONS; i++) connections.push(await createConnection(api, info, i));
    log(`${CONNECTIONS} connections: source-sample (users, ${RECORDS} records) -> destination-postgres`);

    // one sync alone, SINGLE_ROUNDS times: the median is the baseline (one run alone varies by a third here)
    const alone = [];
    const aloneCores = [];
    for (let round = 0; round < SINGLE_ROUNDS; round++) {
      const meter = await cpuMeter();
      // polled often: alone, one poller costs nothing, and the busy cores are measured up to its end
      const run = await runSync(api, connections[0], Date.now(), 100);
      alone.push(run.records / run.s);
      aloneCores.push(await meter.busyCores());
      console.log(
        `one sync alone: ${run.records} records in ${run.s.toFixed(2)} s = ${Math.round(run.records / run.s)} records/s, ` +
          `${aloneCores.at(-1).toFixed(2)} cores busy (worker peak RSS so far ${peakRss.toFixed(0)} MiB)`,
      );
    }
    const singleRps = percentile(alone, 50);

    peakRss = 0;
    const meter = await cpuMeter();
    const startedAt = Date.now();
    const results = await Promise.all(connections.map((id) => runSync(api, id, startedAt)));
    const concurrentCores = await meter.busyCores();
    const wallS = Math.max(...results.map((r) => r.s));
    const total = results.reduce((sum, r) => sum + r.records, 0);
    const aggregateRps = total / wallS;
    results.forEach((r, i) => console.log(`  sync ${i + 1}: ${r.records} records, first record after ${r.firstProgressS.toFixed(1)} s, done after ${r.s.toFixed(1)} s`));
    const slowestFirst = Math.max(...results.map((r) => r.firstProgressS));
    const ratio = aggregateRps / singleRps;
    console.log(
      `${CONNECTIONS} at once: ${total} records in ${wallS.toFixed(2)} s = ${Math.round(aggregateRps)} records/s, ratio ${ratio.toFixed(2)} (target >= 0.8); ` +
        `every sync had moved records after ${slowestFirst.toFixed(1)} s; worker peak RSS ${peakRss.toFixed(0)} MiB (target < 300); ` +
        `cores busy: ${aloneCores.map((c) => c.toFixed(2)).join('/')} for one sync alone, ${concurrentCores.toFixed(2)} for ${CONNECTIONS} at once (of ${cpus().length})`,
    );
    console.log(
      JSON.stringify({
        bench: 'concurrent-syncs',
        single_rps: Math.round(singleRps),
        aggregate_rps: Math.round(aggregateRps),
        ratio: Number(ratio.toFixed(2)),
        worker_peak_rss_mib: Math.round(peakRss),
        slowest_first_progress_s: Number(slowestFirst.toFixed(1)),
        single_busy_cores: Number(percentile(aloneCores, 50).toFixed(2)),
        concurrent_busy_cores: Number(concurrentCores.toFixed(2)),
        connections: CONNECTIONS,
        records: RECORDS,
      }),
    );
  } finally {
    sampling = false;
    await sampler;
    await stop();
  }
}

await main().catch((error) => {
  log(error.stack ?? error.message);
  process.exitCode = 1;
});
