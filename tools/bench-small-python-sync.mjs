#!/usr/bin/env node
// A small incremental sync with a real Python CDK source, end to end on the embedded stack:
// airbyte-source-declarative-manifest (PyPI, from the per-user cache) over a local HTTP API of
// ours -> destination-postgres (the stack's own database), incremental dedup. Each round
// changes BENCH_CHANGED records (default 150) of the API and then
//   - runs the source's `read` alone (the launcher, same config, catalog and state the sync
//     starts from), timed from spawn to exit: read_only_s;
//   - syncs through the API, timed from POST /jobs to the job's `succeeded`: api_to_succeeded_s.
// The figures are medians over BENCH_ROUNDS rounds (default 5), after one uncounted first sync.
// Each sync starts its source's fork server afresh (TRIBUTARY_FORK_SERVER_IDLE_MS=1 unless set):
// the case of a connection that syncs less often than the server stays warm. Its discover and
// its read still share that one Python start-up.
// Target (issue #15): api_to_succeeded_s <= read_only_s + 1.
// Last line: {"bench":"small-python-sync","read_only_s":..,"api_to_succeeded_s":..}
//
// Build first (`npm run bench:small-python-sync` does); runs under tsx for @tributary/testing.
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessLauncher } from '@tributary/launcher';
import { connectorInstallDir } from '../testing/src/paths.ts';
import { declarativeSource } from '../testing/src/connectors/declarative-source.ts';
import { addPypiDefinition, createActor, log, percentile, postgresDestinationConfig, startBenchStack, timedSync, useConnectorCache } from './stack/bench-support.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CHANGED = Number(process.env.BENCH_CHANGED ?? 150);
const TOTAL = Number(process.env.BENCH_TOTAL ?? 1000);
const JOB_TIMEOUT_MS = 300_000;
const POLL_MS = 100;

useConnectorCache(connectorInstallDir());
process.env.TRIBUTARY_FORK_SERVER_IDLE_MS ??= '1';

/** The API: TOTAL items; GET /items?since=<ISO> answers those updated after it. Round r moves CHANGED items to hour r. */
function itemsApi() {
  const iso = (hour) => new Date(Date.UTC(2025, 0, 1) + hour * 3_600_000).toISOString().replace('.000Z', 'Z');
  const items = Array.from({ length: TOTAL }, (_, i) => ({ id: i + 1, name: `item ${i + 1}`, price: (i % 97) + 0.5, updated_at: iso(0) }));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const since = url.searchParams.get('since') ?? '';
    const data = items.filter((item) => item.updated_at > since);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
  });
  return {
    server,
    change(round) {
      for (let k = 0; k < CHANGED; k++) {
        const item = items[(round * CHANGED + k) % TOTAL];
        item.updated_at = iso(round);
        item.name = `item ${item.id} (round ${round})`;
      }
    },
  };
}

const itemSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    price: { type: 'number' },
    updated_at: { type: 'string', format: 'date-time' },
  },
};

function sourceFor(apiUrl) {
  const format = '%Y-%m-%dT%H:%M:%SZ';
  return declarativeSource({
    name: 'items',
    schema: itemSchema,
    url: apiUrl,
    path: '/items',
    incrementalSync: {
      type: 'DatetimeBasedCursor',
      cursor_field: 'updated_at',
      datetime_format: format,
      start_datetime: { type: 'MinMaxDatetime', datetime: '2020-01-01T00:00:00Z', datetime_format: format },
      start_time_option: { type: 'RequestOption', field_name: 'since', inject_into: 'request_parameter' },
    },
  });
}

/** POST /jobs to succeeded; seconds */
async function syncOnce(api, connectionId) {
  const { job, s } = await timedSync(api, connectionId, { pollMs: POLL_MS, timeoutMs: JOB_TIMEOUT_MS });
  return { s, records: job.attempts?.at(-1)?.stats?.recordsCommitted };
}

/** The source's read alone, as the worker starts it; seconds from spawn to exit */
async function timedRead(launcher, source, catalog, state) {
  const started = performance.now();
  const proc = await launcher.read(source.runtime ? { runtime: source.runtime } : source, { config: source.config, catalog, state }, { role: 'source' });
  let records = 0;
  let tail = '';
  proc.stdout.on('data', (chunk) => {
    const text = tail + chunk.toString('utf8');
    const lines = text.split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{"type": "RECORD"') || line.startsWith('{"type":"RECORD"')) records++;
  });
  const exit = await proc.exited;
  if (exit.code !== 0) throw new Error(`the read alone exited with ${exit.code ?? exit.signal}`);
  return { s: (performance.now() - started) / 1000, records };
}

async function main() {
  const api0 = itemsApi();
  await new Promise((resolve) => api0.server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${api0.server.address().port}`;
  const source = sourceFor(apiUrl);
  const tmp = await mkdtemp(join(tmpdir(), 'tributary-bench-read-'));
  const { api, info, stop } = await startBenchStack('small-python-sync');
  try {
    const workspaceId = (await api.json('GET', '/workspaces?limit=1')).data[0].id;
    const definitionId = await addPypiDefinition(api, 'source', 'source-declarative-manifest-bench', source.runtime);
    const sourceId = (await api.json('POST', '/sources', { workspaceId, definitionId, name: 'bench items', configuration: source.config }, [201])).id;
    const destinationId = await createActor(api, 'destination', 'destination-postgres', postgresDestinationConfig(info.databaseUrl, 'bench_small_python'));
    const discovered = await api.json('POST', `/sources/${sourceId}/discover`, undefined, [200]);
    const items = discovered.streams.find((s) => s.name === 'items');
    const connection = await api.json(
      'POST',
      '/connections',
      {
        name: 'bench small python sync',
        sourceId,
        destinationId,
        streams: [{ name: 'items', namespace: null, syncMode: 'incremental_dedup', cursorField: ['updated_at'], primaryKey: [['id']] }],
        schedule: { scheduleType: 'manual' },
      },
      [201],
    );
    const first = await syncOnce(api, connection.id);
    console.log(`first sync (not counted): ${first.records} records, ${first.s.toFixed(2)} s`);

    // the connector's own read, as a user running it gets it: a fresh interpreter (no fork server)
    const launcher = new ProcessLauncher({ installDir: process.env.TRIBUTARY_CONNECTORS_DIR, tmpDir: tmp, forkServerIdleMs: 0 });
    const catalog = {
      streams: [
        {
          stream: { name: 'items', json_schema: items.jsonSchema ?? itemSchema, supported_sync_modes: ['full_refresh', 'incremental'] },
          sync_mode: 'incremental',
          cursor_field: ['updated_at'],
          destination_sync_mode: 'append_dedup',
          primary_key: [['id']],
        },
      ],
    };
    const reads = [];
    const syncs = [];
    for (let round = 1; round <= ROUNDS; round++) {
      api0.change(round);
      const { state } = await api.json('GET', `/connections/${connection.id}/state`);
      const read = await timedRead(launcher, source, catalog, state.length > 0 ? state : undefined);
      const sync = await syncOnce(api, connection.id);
      reads.push(read.s);
      syncs.push(sync.s);
      console.log(`round ${round}/${ROUNDS}: read alone ${read.records} records ${read.s.toFixed(2)} s; sync ${sync.records} records ${sync.s.toFixed(2)} s`);
    }
    const readOnly = percentile(reads, 50);
    const apiToSucceeded = percentile(syncs, 50);
    console.log(`median: read alone ${readOnly.toFixed(2)} s, API to succeeded ${apiToSucceeded.toFixed(2)} s (target: at most read + 1 s): ${apiToSucceeded <= readOnly + 1 ? 'met' : 'NOT met'}`);
    console.log(JSON.stringify({ bench: 'small-python-sync', read_only_s: Number(readOnly.toFixed(2)), api_to_succeeded_s: Number(apiToSucceeded.toFixed(2)) }));
  } finally {
    await stop();
    await rm(tmp, { recursive: true, force: true });
    api0.server.close();
  }
}

await main().catch((error) => {
  log(error.stack ?? error.message);
  process.exitCode = 1;
});
