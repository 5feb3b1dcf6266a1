#!/usr/bin/env node
// A fast real source, not throttled: airbyte-source-hardcoded-records from PyPI (installed into
// the per-user connector cache on first use, like every PyPI connector of the tests), BENCH_COUNT
// records per stream (default 150,000) of all three of its streams, into destination-postgres
// (the stack's own database) through the API, full refresh overwrite.
//   source_only_rps: the source's read alone (the launcher, the same config and catalog), all
//     its records / spawn to exit, its output drained and counted;
//   end_to_end_rps: the same records / POST /jobs to succeeded.
// BENCH_ROUNDS (default 5: single rounds vary by +-0.05 on a 2-vCPU VM) paired rounds, source
// alone then the sync; medians. Each measurement starts from a settled disk (settleDisk: what
// earlier rounds wrote is on disk); BENCH_SETTLE=0 runs them back to back.
// Target (issue #15): ratio >= 0.8. BENCH_DESTINATION=dev-null syncs into destination-dev-null
// instead: what the platform itself costs, without the destination's pace.
// Last line: {"bench":"real-source","source_only_rps":..,"end_to_end_rps":..,"ratio":..,"ratio_median_of_pairs":..}
//
// Build first (`npm run bench:real-source` does).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessLauncher } from '@tributary/launcher';
import { connectorInstallDir } from '../testing/src/paths.ts';
import {
  addPypiDefinition,
  cpuMeter,
  createActor,
  log,
  percentile,
  postgresDestinationConfig,
  settleDisk,
  startBenchStack,
  timedSync,
  useConnectorCache,
} from './stack/bench-support.mjs';

const COUNT = Number(process.env.BENCH_COUNT ?? 150_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RUNTIME = { kind: 'pypi', package: 'airbyte-source-hardcoded-records', version: '0.0.48', entrypoint: 'source-hardcoded-records' };
const DESTINATION = process.env.BENCH_DESTINATION ?? 'postgres';
const JOB_TIMEOUT_MS = 1_800_000;
/** BENCH_SETTLE=0: no settleDisk before each measurement (rounds back to back, as session 19 measured them) */
const SETTLE = process.env.BENCH_SETTLE !== '0';

useConnectorCache(connectorInstallDir());

/** The read alone: records it printed / seconds from spawn to exit. */
async function sourceAlone(launcher, catalog, count = COUNT) {
  const started = performance.now();
  const proc = await launcher.read({ runtime: RUNTIME }, { config: { count }, catalog }, { role: 'source' });
  let records = 0;
  let tail = '';
  proc.stdout.on('data', (chunk) => {
    const lines = (tail + chunk.toString('latin1')).split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) if (line.includes('"type": "RECORD"') || line.includes('"type":"RECORD"')) records++;
  });
  const exit = await proc.exited;
  if (exit.code !== 0) throw new Error(`the source alone exited with ${exit.code ?? exit.signal}`);
  const s = (performance.now() - started) / 1000;
  return { records, s, rps: records / s };
}

async function sync(api, connectionId) {
  const { job, s } = await timedSync(api, connectionId, { timeoutMs: JOB_TIMEOUT_MS });
  const records = job.attempts.at(-1)?.stats?.recordsCommitted ?? 0;
  return { records, s, rps: records / s };
}

async function main() {
  const tmp = await mkdtemp(join(tmpdir(), 'tributary-bench-real-source-'));
  const { api, info, stop } = await startBenchStack('real-source');
  try {
    const workspaceId = (await api.json('GET', '/workspaces?limit=1')).data[0].id;
    const definitionId = await addPypiDefinition(api, 'source', 'source-hardcoded-records-bench', RUNTIME);
    const sourceId = (
      await api.json(
        'POST',
        '/sources',
        { workspaceId, definitionId, name: 'bench hardcoded records', configuration: { count: COUNT } },
        [201],
      )
    ).id;
    const destinationId =
      DESTINATION === 'dev-null'
        ? await createActor(api, 'destination', 'destination-dev-null', {})
        : await createActor(api, 'destination', 'destination-postgres', postgresDestinationConfig(info.databaseUrl, 'bench_real_source'));
    const discovered = await api.json('POST', `/sources/${sourceId}/discover`, undefined, [200]);
    const connection = await api.json(
      'POST',
      '/connections',
      {
        name: 'bench real source',
        sourceId,
        destinationId,
        streams: discovered.streams.map((s) => ({ name: s.name, namespace: s.namespace ?? null, syncMode: 'full_refresh_overwrite' })),
        schedule: { scheduleType: 'manual' },
      },
      [201],
    );
    log(
      `connection ${connection.id}: hardcoded-records (${discovered.streams.map((s) => s.name).join(', ')}; ${COUNT} each) -> destination-${DESTINATION}`,
    );
    const catalog = {
      streams: discovered.streams.map((s) => ({
        stream: { name: s.name, json_schema: s.jsonSchema, supported_sync_modes: ['full_refresh'] },
        sync_mode: 'full_refresh',
        destination_sync_mode: 'overwrite',
      })),
    };
    const launcher = new ProcessLauncher({ installDir: process.env.TRIBUTARY_CONNECTORS_DIR, tmpDir: tmp });
    // the worker's fork server is warm (the discover above started it): so is this launcher's,
    // or the first round's source alone would count the interpreter's start-up
    await sourceAlone(launcher, catalog, 1);
    const alone = [];
    const endToEnd = [];
    // each round's sync over its own source-alone run: the two share the machine's mood of the moment
    const pairs = [];
    const settle = async () => {
      if (SETTLE) log(`disk settled in ${(await settleDisk(info.databaseUrl)).toFixed(1)} s`);
    };
    for (let round = 1; round <= ROUNDS; round++) {
      await settle();
      let meter = await cpuMeter();
      const a = await sourceAlone(launcher, catalog);
      const aloneCores = await meter.busyCores();
      await settle();
      meter = await cpuMeter();
      const e = await sync(api, connection.id);
      const syncCores = await meter.busyCores();
      alone.push(a.rps);
      endToEnd.push(e.rps);
      pairs.push(e.rps / a.rps);
      console.log(
        `round ${round}/${ROUNDS}: source alone ${a.records} records in ${a.s.toFixed(2)} s = ${Math.round(a.rps)}/s (${aloneCores.toFixed(2)} cores busy); ` +
          `end to end ${e.records} records in ${e.s.toFixed(2)} s = ${Math.round(e.rps)}/s (${syncCores.toFixed(2)} cores busy); ratio ${(e.rps / a.rps).toFixed(2)}`,
      );
    }
    const sourceOnly = percentile(alone, 50);
    const e2e = percentile(endToEnd, 50);
    const ratio = e2e / sourceOnly;
    const pairRatio = percentile(pairs, 50);
    console.log(
      `median: source alone ${Math.round(sourceOnly)}/s, end to end ${Math.round(e2e)}/s, ratio ${ratio.toFixed(2)}, median of the rounds' ratios ${pairRatio.toFixed(2)} (target >= 0.8)`,
    );
    console.log(
      JSON.stringify({
        bench: 'real-source',
        source_only_rps: Math.round(sourceOnly),
        end_to_end_rps: Math.round(e2e),
        ratio: Number(ratio.toFixed(2)),
        ratio_median_of_pairs: Number(pairRatio.toFixed(2)),
        destination: DESTINATION,
      }),
    );
  } finally {
    await stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

await main().catch((error) => {
  log(error.stack ?? error.message);
  process.exitCode = 1;
});
