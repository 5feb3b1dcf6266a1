#!/usr/bin/env node
/**
 * Throughput of destination-postgres against a raw COPY, measured in the same run. For each
 * mode, N records of a 10-column stream are piped through the built connector process into
 * a real PostgreSQL server (wall time from spawn to exit); then the rows it wrote (every
 * column but `_airbyte_data`, the optional raw record) are exported and COPYed back, as
 * plain text COPY in one transaction, into an empty table of the same column types: the
 * connector's `ratio` is its rows/s over that raw COPY's. Both are the median of --rounds
 * runs (default 3); `binary_copy_rows_per_s` is the same baseline in COPY's binary format.
 * Each round loads with the connector and then with the raw COPY, side by side:
 * `ratio_median_of_pairs` is the median of the rounds' own ratios (on a shared VM the same
 * work moves by 30 % from one minute to the next).
 *
 *   node tools/bench-destination-postgres.mjs [--records 500000] [--mode append|append_dedup|overwrite|all] [--state-every 10000] [--rounds 3]
 *
 * It also prints the CPU seconds of the connector and of the server (while loading, and while
 * taking the binary COPY) and the rows/s that CPU allows on this machine (cpu_bound_rows_per_s).
 * BENCH_RECORDS overrides the record count. Uses TRIBUTARY_TEST_DATABASE_URL (an admin URL)
 * when set, otherwise starts its own server with tools/postgres.sh. Needs a build first
 * (npm run build). The input is written to a temp file first, so the generator
 * does not compete with the connector for CPU. One JSON line per mode:
 * {"bench":"destination-postgres","mode":"append","rows":N,"rows_per_s":...,"copy_rows_per_s":...,"ratio":...}
 */
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { freePort } from './stack/ports.mjs';
import { processCpuSeconds, serverCpuSeconds } from './stack/bench-support.mjs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

const root = fileURLToPath(new URL('..', import.meta.url));
// what the launcher runs: the connector's bundle when it is fresh, else its compiled entrypoint
const { builtinEntrypoint } = await import(join(root, 'libs/connectors/dist/index.js')).catch(() => ({
  builtinEntrypoint: () => undefined,
}));
const entry = builtinEntrypoint('destination-postgres') ?? join(root, 'libs/connectors/dist/bin/destination-postgres.js');
const { values } = parseArgs({
  options: {
    records: { type: 'string', default: process.env.BENCH_RECORDS ?? '500000' },
    mode: { type: 'string', default: 'all' },
    'state-every': { type: 'string', default: '10000' },
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '3' },
  },
});
const rounds = Number(values.rounds);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** the median of a server's CPU figures; undefined when the server is not this bench's */
const serverCpuMedian = (xs) => (xs.includes(undefined) ? undefined : median(xs));
const records = Number(values.records);
const MODES = ['append', 'overwrite', 'append_dedup'];
const modes = values.mode === 'all' ? MODES : [values.mode];
if (!modes.every((m) => MODES.includes(m))) {
  console.error(`--mode must be one of ${MODES.join(', ')} or all`);
  process.exit(2);
}
const stateEvery = Number(values['state-every']);
// e.g. BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the connector
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const log = (...args) => console.error('[bench]', ...args);

log(`connector: ${entry}`);
if (!existsSync(entry)) {
  console.error(`${entry} is missing: run npm run build first`);
  process.exit(1);
}

async function startServer() {
  // another server's CPU is not measured (it may be on another machine)
  if (process.env.TRIBUTARY_TEST_DATABASE_URL)
    return { adminUrl: process.env.TRIBUTARY_TEST_DATABASE_URL, pid: undefined, stop: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'tributary-pg-bench-'));
  const port = await freePort();
  const adminUrl = execFileSync('bash', [join(root, 'tools/postgres.sh'), 'start', dir, String(port)], { encoding: 'utf8' }).trim();
  return {
    adminUrl,
    pid: Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]),
    stop: async () => {
      execFileSync('bash', [join(root, 'tools/postgres.sh'), 'stop', dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const properties = {
  id: { type: 'integer' },
  uuid: { type: 'string' },
  name: { type: 'string' },
  email: { type: 'string' },
  age: { type: 'integer' },
  score: { type: 'number' },
  active: { type: 'boolean' },
  created_at: { type: 'string', format: 'date-time' },
  city: { type: 'string' },
  address: { type: 'object' },
};

/** Writes the input file: records in the shape of a typical users table, a state every `stateEvery`. */
async function writeInput(path) {
  const out = createWriteStream(path);
  const cities = ['Lisbon', 'Oslo', 'Kyoto', 'Lima', 'Austin', 'Cairo', 'Perth', 'Quito'];
  const emittedAt = Date.now();
  let batch = '';
  for (let i = 0; i < records; i++) {
    const data = {
      id: i,
      uuid: `${((i * 2654435761) % 4294967296).toString(16).padStart(8, '0')}-4a1b-8c2d-${String(i).padStart(12, '0')}`,
      name: `User ${i} Example`,
      email: `user${i}@example.com`,
      age: 18 + (i % 60),
      score: (i % 1000) / 7,
      active: i % 3 !== 0,
      created_at: new Date(1_600_000_000_000 + i * 1000).toISOString(),
      city: cities[i % cities.length],
      address: { street: `${i % 500} Main St`, zip: String(10000 + (i % 89999)) },
    };
    batch += JSON.stringify({ type: 'RECORD', record: { stream: 'users', data, emitted_at: emittedAt } }) + '\n';
    if ((i + 1) % stateEvery === 0)
      batch +=
        JSON.stringify({
          type: 'STATE',
          state: { type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { id: i } } },
        }) + '\n';
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
}

/** CPU seconds of this process's children that have exited (the connector, once it has). */
const exitedChildrenCpu = async () => (await processCpuSeconds('self', { waited: true })) - (await processCpuSeconds('self'));
/** CPU seconds the database server has used so far (undefined for a server this bench did not start) */
const serverCpu = async () => (server.pid === undefined ? undefined : serverCpuSeconds(server.pid));

/** Runs the connector's `write` on the input file; the wall time in seconds, and the CPU seconds of the connector and of the server. */
async function runConnector(work, input) {
  const [connectorCpuBefore, serverCpuBefore] = [await exitedChildrenCpu(), await serverCpu()];
  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [...nodeArgs, entry, 'write', '--config', join(work, 'config.json'), '--catalog', join(work, 'catalog.json')],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let states = 0;
  let lastLines = '';
  child.stdout.on('data', (chunk) => {
    const text = chunk.toString('utf8');
    states += text.split('"type":"STATE"').length - 1;
    lastLines = (lastLines + text).slice(-2000);
  });
  createReadStream(input, { highWaterMark: 1 << 20 }).pipe(child.stdin);
  const [code] = await once(child, 'close');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`destination exited with ${code}: ${lastLines}`);
  const connectorCpu = (await exitedChildrenCpu()) - connectorCpuBefore;
  const serverCpuAfter = await serverCpu();
  return { seconds, states, connectorCpu, serverCpu: serverCpuAfter === undefined ? undefined : serverCpuAfter - serverCpuBefore };
}

/**
 * The raw COPY baseline: the typed rows the connector wrote, exported as COPY text, then
 * loaded into an empty table of the same column types (committed before, so the load
 * writes WAL as the connector's does) in one transaction. Returns the seconds of BEGIN..COMMIT
 * and the server's CPU seconds in them.
 */
async function rawCopy(db, format = 'text') {
  const { rows } = await db.query(
    `SELECT attname FROM pg_attribute WHERE attrelid = 'users'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> '_airbyte_data' ORDER BY attnum`,
  );
  const columns = rows.map((r) => `"${r.attname}"`).join(', ');
  const exported = [];
  const out = db.query(copyTo(`COPY (SELECT ${columns} FROM users) TO STDOUT (FORMAT ${format})`));
  for await (const chunk of out) exported.push(chunk);
  await db.query('DROP TABLE IF EXISTS copy_baseline');
  await db.query(`CREATE TABLE copy_baseline WITH (autovacuum_enabled = false) AS SELECT ${columns} FROM users WITH NO DATA`);
  const serverCpuBefore = await serverCpu();
  const started = process.hrtime.bigint();
  await db.query('BEGIN');
  const input = db.query(copyFrom(`COPY copy_baseline (${columns}) FROM STDIN (FORMAT ${format})`));
  for (const chunk of exported) if (!input.write(chunk)) await once(input, 'drain');
  input.end();
  await once(input, 'finish');
  await db.query('COMMIT');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const serverCpuAfter = await serverCpu();
  const copied = Number((await db.query('SELECT count(*) AS n FROM copy_baseline')).rows[0].n);
  await db.query('DROP TABLE copy_baseline');
  if (copied !== records) throw new Error(`raw COPY loaded ${copied} rows, expected ${records}`);
  return { seconds, serverCpu: serverCpuAfter === undefined ? undefined : serverCpuAfter - serverCpuBefore };
}

const server = await startServer();
const work = await mkdtemp(join(tmpdir(), 'tributary-bench-dest-pg-'));
const database = `bench_${Date.now()}`;
const admin = new pg.Client({ connectionString: server.adminUrl });
try {
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(server.adminUrl);
  const config = {
    host: url.hostname,
    port: Number(url.port || 5432),
    database,
    username: decodeURIComponent(url.username) || 'postgres',
    password: decodeURIComponent(url.password),
    schema: 'public',
    ssl_mode: { mode: 'disable' },
  };
  await writeFile(join(work, 'config.json'), JSON.stringify(config));
  const input = join(work, 'input.jsonl');
  log(`generating ${records} records`);
  await writeInput(input);
  const db = new pg.Client({ ...config, user: config.username });
  await db.connect();
  try {
    for (const mode of modes) {
      const catalog = {
        streams: [
          {
            stream: { name: 'users', json_schema: { type: 'object', properties }, supported_sync_modes: ['full_refresh', 'incremental'] },
            sync_mode: mode === 'overwrite' ? 'full_refresh' : 'incremental',
            destination_sync_mode: mode,
            ...(mode === 'append_dedup' ? { primary_key: [['id']], cursor_field: ['created_at'] } : {}),
            generation_id: 1,
            minimum_generation_id: 0,
            sync_id: 1,
          },
        ],
      };
      await writeFile(join(work, 'catalog.json'), JSON.stringify(catalog));
      const runs = [];
      const copies = [];
      const binaries = [];
      // CPU seconds in each round: the connector's, and the server's while it loaded and while it took the binary COPY
      const cpu = { connector: [], server: [], binaryServer: [] };
      let rows = 0;
      let rawData = false;
      for (let round = 1; round <= rounds; round++) {
        await db.query('DROP TABLE IF EXISTS users, users_airbyte_tmp');
        await db.query('CHECKPOINT'); // the previous run's dirty pages are not this run's cost
        log(`loading (${mode}, run ${round}/${rounds})`);
        const { seconds, states, connectorCpu, serverCpu: loadServerCpu } = await runConnector(work, input);
        cpu.connector.push(connectorCpu);
        cpu.server.push(loadServerCpu);
        rows = Number((await db.query('SELECT count(*) AS n FROM users')).rows[0].n);
        if (rows !== records) throw new Error(`expected ${records} rows, found ${rows}`);
        rawData = Number((await db.query('SELECT count(_airbyte_data) AS n FROM users')).rows[0].n) > 0;
        runs.push(seconds);
        // the baseline right after, in the same moment of the machine; autovacuum of the table
        // just loaded would compete with it: done first
        await db.query('VACUUM ANALYZE users');
        await db.query('CHECKPOINT');
        copies.push((await rawCopy(db)).seconds);
        await db.query('CHECKPOINT');
        const binary = await rawCopy(db, 'binary');
        binaries.push(binary.seconds);
        cpu.binaryServer.push(binary.serverCpu);
        const serverShare =
          loadServerCpu === undefined ? '' : `, server ${loadServerCpu.toFixed(2)} s (binary COPY: ${binary.serverCpu.toFixed(2)} s)`;
        log(
          `${mode}: ${rows} rows in ${seconds.toFixed(2)} s, ${states} states echoed${rawData ? ', _airbyte_data filled' : ''}; ` +
            `raw COPY ${copies.at(-1).toFixed(2)} s (ratio ${(copies.at(-1) / seconds).toFixed(2)}), binary ${binaries.at(-1).toFixed(2)} s; ` +
            `CPU: connector ${connectorCpu.toFixed(2)} s${serverShare}`,
        );
      }
      const seconds = median(runs);
      const copySeconds = median(copies);
      const binarySeconds = median(binaries);
      log(
        `${mode}: raw COPY of the same typed rows in ${copies.map((c) => c.toFixed(2)).join(', ')} s; binary COPY in ${binaries.map((c) => c.toFixed(2)).join(', ')} s`,
      );
      const rowsPerS = Math.round(records / seconds);
      const copyRowsPerS = Math.round(records / copySeconds);
      const connectorCpu = median(cpu.connector);
      const serverCpu = serverCpuMedian(cpu.server);
      // with this much CPU on each side, the load can go no faster, however well they overlap
      const cpuBoundSeconds =
        serverCpu === undefined ? undefined : Math.max(connectorCpu, serverCpu, (connectorCpu + serverCpu) / availableParallelism());
      const round2 = (x) => (x === undefined ? null : Number(x.toFixed(2)));
      console.log(
        JSON.stringify({
          bench: 'destination-postgres',
          mode,
          rows,
          rows_per_s: rowsPerS,
          copy_rows_per_s: copyRowsPerS,
          ratio: Number((rowsPerS / copyRowsPerS).toFixed(2)),
          ratio_median_of_pairs: Number(median(runs.map((s, k) => copies[k] / s)).toFixed(2)),
          binary_copy_rows_per_s: Math.round(records / binarySeconds),
          seconds: Number(seconds.toFixed(3)),
          raw_data: rawData,
          connector_cpu_s: round2(connectorCpu),
          server_cpu_s: round2(serverCpu),
          binary_copy_server_cpu_s: round2(serverCpuMedian(cpu.binaryServer)),
          cpu_bound_rows_per_s: cpuBoundSeconds === undefined ? null : Math.round(records / cpuBoundSeconds),
        }),
      );
    }
  } finally {
    await db.end();
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
  await admin.end().catch(() => {});
  await rm(work, { recursive: true, force: true });
  await server.stop();
}
