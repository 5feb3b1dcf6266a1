#!/usr/bin/env node
// Replication engine benchmark: source-sample -> destination-dev-null, (a) as a raw shell
// pipe and (b) through replicate() running in a child process (so its peak RSS is its
// own). Each is measured BENCH_RUNS times, interleaved; the best run of each counts.
// The last line printed is one JSON object for CI:
//   {"bench":"replication","records":N,"pipe_mb_s":..,"engine_mb_s":..,"ratio":..,"engine_peak_rss_mib":..}
//
// Build first: npx tsc -b libs/replication libs/connectors
// Env: BENCH_RECORDS (default 2000000), BENCH_RUNS (default 7), BENCH_SPILL=0 (the engine
//      without the spill file the worker gives it),
//      BENCH_STREAMS (comma-separated source-sample streams, default "users")
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'libs', 'connectors', 'dist', 'bin', `${name}.js`);
const SOURCE = bin('source-sample');
const DESTINATION = bin('destination-dev-null');

function catalogFor(streams) {
  return {
    streams: streams.map((name) => ({
      stream: { name, json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'append',
    })),
  };
}

// --- child: one replicate() run, reported as a JSON line --------------------------------

async function engineChild(specFile) {
  const spec = JSON.parse(await readFile(specFile, 'utf8'));
  const { replicate } = await import('@tributary/replication');
  const { ProcessLauncher } = await import('@tributary/launcher');
  const { resolveBuiltinConnector } = await import('@tributary/connectors');
  const launcher = new ProcessLauncher({
    installDir: join(spec.dir, 'install'),
    tmpDir: spec.dir,
    resolveBuiltin: resolveBuiltinConnector,
  });
  const started = performance.now();
  const result = await replicate({
    launcher,
    source: { definition: { runtime: { kind: 'builtin', name: 'source-sample' } }, config: spec.sourceConfig },
    destination: { definition: { runtime: { kind: 'builtin', name: 'destination-dev-null' } }, config: spec.destinationConfig },
    catalog: spec.catalog,
    // as the worker runs it: with a spill file (BENCH_SPILL=0: without)
    ...(process.env.BENCH_SPILL === '0' ? {} : { options: { spillDir: spec.dir } }),
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage();
  process.stdout.write(
    JSON.stringify({
      seconds,
      status: result.status,
      failures: result.failures.map((f) => `${f.origin}/${f.type}: ${f.message}`),
      records: result.totals.recordsEmitted,
      recordsCommitted: result.totals.recordsCommitted,
      sourceBytes: result.totals.sourceBytesRead,
      statesCommitted: result.totals.stateMessagesCommitted,
      sourcePauses: result.backpressure.sourcePauses,
      spilledBytes: result.backpressure.spilledBytes,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      maxRssKiB: process.resourceUsage().maxRSS,
    }) + '\n',
  );
}

// --- parent -----------------------------------------------------------------------------

function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], ...options });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited with code ${code}`))));
  });
}

// CPU seconds of a command and everything it waited for (connectors included), when
// /usr/bin/time is there: tells whether the cores, not the engine's design, are the limit
const TIME = '/usr/bin/time';
async function timed(dir, command, args) {
  if (!existsSync(TIME)) return { out: await run(command, args), cpuSeconds: undefined };
  const file = join(dir, 'cpu.txt');
  const out = await run(TIME, ['-f', '%U %S', '-o', file, command, ...args]);
  const [user, sys] = (await readFile(file, 'utf8')).trim().split('\n').at(-1).split(' ').map(Number);
  return { out, cpuSeconds: user + sys };
}

async function pipeRun(dir, files) {
  // exactly what a user would type; dev-null's output (acknowledged states) is discarded
  const script = '"$0" "$1" read --config "$2" --catalog "$3" | "$0" "$4" write --config "$5" --catalog "$3" > /dev/null';
  const started = performance.now();
  const { cpuSeconds } = await timed(dir, 'sh', [
    '-c',
    script,
    process.execPath,
    SOURCE,
    files.sourceConfig,
    files.catalog,
    DESTINATION,
    files.destinationConfig,
  ]);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds };
}

async function engineRun(dir, specFile) {
  const { out, cpuSeconds } = await timed(dir, process.execPath, [fileURLToPath(import.meta.url), '--engine-child', specFile]);
  const report = JSON.parse(out.trim().split('\n').at(-1));
  if (report.status !== 'succeeded') throw new Error(`replicate() ${report.status}: ${report.failures.join('; ')}`);
  return { ...report, totalCpuSeconds: cpuSeconds };
}

const cores = (cpu, seconds) => (cpu === undefined ? '' : `, all processes ${cpu.toFixed(1)} cpu-s = ${(cpu / seconds).toFixed(2)} cores`);

const mb = (bytes) => bytes / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  for (const file of [SOURCE, DESTINATION]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: build first with npx tsc -b libs/replication libs/connectors`);
  }
  const records = Number(process.env.BENCH_RECORDS ?? 2_000_000);
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
  const streams = (process.env.BENCH_STREAMS ?? 'users')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const dir = await mkdtemp(join(tmpdir(), 'bench-replication-'));
  try {
    const sourceConfig = { count: Math.ceil(records / streams.length), streams };
    const destinationConfig = {};
    const catalog = catalogFor(streams);
    const files = {
      sourceConfig: join(dir, 'source.json'),
      destinationConfig: join(dir, 'destination.json'),
      catalog: join(dir, 'catalog.json'),
    };
    await writeFile(files.sourceConfig, JSON.stringify(sourceConfig));
    await writeFile(files.destinationConfig, JSON.stringify(destinationConfig));
    await writeFile(files.catalog, JSON.stringify(catalog));
    const specFile = join(dir, 'engine.json');
    await writeFile(specFile, JSON.stringify({ dir, sourceConfig, destinationConfig, catalog }));

    const total = sourceConfig.count * streams.length;
    console.log(`replication bench: source-sample (${streams.join(', ')}) -> destination-dev-null, ${total} records, best of ${runs}`);
    const pipeSeconds = [];
    const engine = [];
    for (let i = 1; i <= runs; i++) {
      // interleaved, so a noisy neighbour hurts both sides alike
      const p = await pipeRun(dir, files);
      pipeSeconds.push(p.seconds);
      const e = await engineRun(dir, specFile);
      engine.push(e);
      const rate = (seconds) => (mb(e.sourceBytes) / seconds).toFixed(0);
      console.log(`  run ${i}: pipe   ${p.seconds.toFixed(2)} s, ${rate(p.seconds)} MB/s${cores(p.cpuSeconds, p.seconds)}`);
      console.log(
        `         engine ${e.seconds.toFixed(2)} s, ${rate(e.seconds)} MB/s${cores(e.totalCpuSeconds, e.seconds)}; ` +
          `engine alone ${e.cpuSeconds.toFixed(2)} cpu-s, peak RSS ${(e.maxRssKiB / 1024).toFixed(0)} MiB, ${e.sourcePauses} source pauses, ${e.statesCommitted} states committed`,
      );
    }
    const bytes = engine[0].sourceBytes;
    if (engine.some((e) => e.records !== total || e.recordsCommitted !== total))
      throw new Error(`engine moved ${engine.map((e) => e.records).join('/')} records, expected ${total}`);
    const pipeMbS = mb(bytes) / Math.min(...pipeSeconds);
    const engineMbS = mb(bytes) / Math.min(...engine.map((e) => e.seconds));
    const peakRssMiB = Math.max(...engine.map((e) => e.maxRssKiB)) / 1024;
    console.log(`  data: ${mb(bytes).toFixed(0)} MB (${(bytes / total).toFixed(0)} bytes/record)`);
    console.log(`  raw pipe: best ${pipeMbS.toFixed(0)} MB/s, median ${(mb(bytes) / median(pipeSeconds)).toFixed(0)} MB/s`);
    console.log(
      `  engine:   best ${engineMbS.toFixed(0)} MB/s, median ${(mb(bytes) / median(engine.map((e) => e.seconds))).toFixed(0)} MB/s`,
    );
    const pairs = engine.map((e, i) => pipeSeconds[i] / e.seconds);
    console.log(
      `  run-by-run ratios (same moment, same neighbours): ${pairs.map((r) => r.toFixed(2)).join(' ')}; median ${median(pairs).toFixed(3)}`,
    );
    console.log(
      `  ratio engine/pipe: ${(engineMbS / pipeMbS).toFixed(3)} (target >= 0.95); engine peak RSS ${peakRssMiB.toFixed(0)} MiB (target < 200)`,
    );
    console.log(
      JSON.stringify({
        bench: 'replication',
        records: total,
        pipe_mb_s: Number(pipeMbS.toFixed(1)),
        engine_mb_s: Number(engineMbS.toFixed(1)),
        ratio: Number((engineMbS / pipeMbS).toFixed(3)),
        engine_peak_rss_mib: Number(peakRssMiB.toFixed(1)),
        // the same ratio taken pair by pair (a pipe run and the engine run right after it)
        ratio_median_of_pairs: Number(median(pairs).toFixed(3)),
        runs,
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--engine-child') {
  await engineChild(process.argv[3]);
} else {
  await main().catch((err) => {
    console.error(`bench-replication: ${err.message}`);
    process.exit(1);
  });
}
