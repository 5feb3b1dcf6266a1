#!/usr/bin/env node
// A scriptable source for replication tests: `read --config c.json --catalog k.json [--state s.json]`.
// Records are {id, ...} with ids 1..records per stream; state is {cursor: lastId} per stream,
// so a run resumed from state continues after the last committed id.
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const config = JSON.parse(readFileSync(flag('config'), 'utf8'));
const stateInput = flag('state') ? JSON.parse(readFileSync(flag('state'), 'utf8')) : undefined;

if (config.ignoreSigterm) process.on('SIGTERM', () => {});
const pids = [process.pid];
if (config.grandchild) {
  // same process group, like a Python connector's helper subprocess
  const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
  pids.push(child.pid);
}
if (config.pidFile) writeFileSync(config.pidFile, JSON.stringify(pids));

const streams = config.streams ?? [{ name: 'users', records: 10 }];
const format = config.format ?? 'compact';
const stateType = config.stateType ?? 'STREAM';
const stateEvery = config.stateEvery ?? 0;
const pad = config.payloadBytes ? 'x'.repeat(config.payloadBytes) : undefined;

// --- resume position ------------------------------------------------------------------
const cursors = new Map();
const key = (name, namespace) => `${namespace ?? ''}.${name}`;
if (Array.isArray(stateInput)) {
  for (const s of stateInput) {
    if (s.type === 'STREAM')
      cursors.set(key(s.stream.stream_descriptor.name, s.stream.stream_descriptor.namespace), s.stream.stream_state.cursor);
    if (s.type === 'GLOBAL')
      for (const ss of s.global.stream_states)
        cursors.set(key(ss.stream_descriptor.name, ss.stream_descriptor.namespace), ss.stream_state.cursor);
  }
} else if (stateInput && typeof stateInput === 'object') {
  for (const [k, v] of Object.entries(stateInput)) cursors.set(k, v); // LEGACY blob: {".name": cursor}
}

// --- output with backpressure ---------------------------------------------------------
let batch = '';
let blocked = 0;
async function out(line) {
  batch += line + '\n';
  if (batch.length < 16384) return;
  await flush();
}
async function flush() {
  if (!batch) return;
  // config.teeFile: a copy of everything printed, to compare with what the destination got
  if (config.teeFile) appendFileSync(config.teeFile, batch);
  const ok = process.stdout.write(batch);
  batch = '';
  if (!ok) {
    blocked++;
    await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function recordLine(stream, data) {
  const ns = stream.namespace;
  switch (format) {
    case 'spaced':
      // Python json.dumps: ", " and ": " separators
      return pythonDumps({
        type: 'RECORD',
        record: { stream: stream.name, ...(ns ? { namespace: ns } : {}), data, emitted_at: Date.now() },
      });
    case 'namespace-after-data':
      return JSON.stringify({
        type: 'RECORD',
        record: { stream: stream.name, data, emitted_at: Date.now(), ...(ns !== undefined ? { namespace: ns } : {}) },
      });
    case 'record-first':
      return JSON.stringify({
        record: { data, stream: stream.name, ...(ns ? { namespace: ns } : {}), emitted_at: Date.now() },
        type: 'RECORD',
      });
    default:
      return JSON.stringify({
        type: 'RECORD',
        record: { ...(ns ? { namespace: ns } : {}), stream: stream.name, data, emitted_at: Date.now() },
      });
  }
}

// Python's json.dumps default separators: ", " and ": "
function pythonDumps(v) {
  if (Array.isArray(v)) return `[${v.map(pythonDumps).join(', ')}]`;
  if (v && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pythonDumps(x)}`)
      .join(', ')}}`;
  return JSON.stringify(v);
}

const lastIds = new Map();
function stateLine(stream) {
  const descriptor = { name: stream.name, ...(stream.namespace ? { namespace: stream.namespace } : {}) };
  if (stateType === 'STREAM') {
    return JSON.stringify({
      type: 'STATE',
      state: {
        type: 'STREAM',
        stream: { stream_descriptor: descriptor, stream_state: { cursor: lastIds.get(key(stream.name, stream.namespace)) } },
      },
    });
  }
  if (stateType === 'GLOBAL') {
    const stream_states = streams
      .filter((s) => lastIds.has(key(s.name, s.namespace)))
      .map((s) => ({
        stream_descriptor: { name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) },
        stream_state: { cursor: lastIds.get(key(s.name, s.namespace)) },
      }));
    return JSON.stringify({ type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: { position: total }, stream_states } } });
  }
  // LEGACY: no type, a bare data blob
  return JSON.stringify({
    type: 'STATE',
    state: {
      data: Object.fromEntries(
        streams
          .filter((s) => lastIds.has(key(s.name, s.namespace)))
          .map((s) => [key(s.name, s.namespace), lastIds.get(key(s.name, s.namespace))]),
      ),
    },
  });
}

let total = 0;
async function emitRecord(stream, id) {
  total++;
  if (config.unknownStreamAt === total)
    await out(JSON.stringify({ type: 'RECORD', record: { stream: 'not_configured', data: { id }, emitted_at: Date.now() } }));
  if (config.hugeLineAt === total)
    await out(
      JSON.stringify({
        type: 'RECORD',
        record: { stream: stream.name, data: { id, huge: 'h'.repeat(config.hugeLineBytes) }, emitted_at: Date.now() },
      }),
    );
  if (config.failAfter !== undefined && total > config.failAfter) {
    if (config.traceError) {
      await out(
        JSON.stringify({
          type: 'TRACE',
          trace: {
            type: 'ERROR',
            emitted_at: Date.now(),
            error: {
              message: config.traceError.message,
              failure_type: config.traceError.failure_type,
              internal_message: 'fixture failure',
            },
          },
        }),
      );
    }
    await flush();
    process.stderr.write('fixture source: giving up\n');
    process.stdout.write('', () => process.exit(config.exitCode ?? 1));
    await new Promise(() => {});
  }
  const data = pad ? { id, pad } : { id, name: `${stream.name}-${id}` };
  await out(recordLine(stream, data));
  lastIds.set(key(stream.name, stream.namespace), id);
}

async function main() {
  if (config.garbage) {
    await out('plain text output from the source');
    await out('{"type":"LOG","log":{"level":"INFO","message":"starting"}}');
    await out('{"type":"BOGUS"}');
    await out('{"type":"RECORD","record":{"stream":"users"}}'); // a record without data: invalid
    await out('{not json');
    process.stderr.write('a line on stderr\n');
  }
  if (config.control) {
    await out(
      JSON.stringify({
        type: 'CONTROL',
        control: { type: 'CONNECTOR_CONFIG', emitted_at: Date.now(), connectorConfig: { config: { token: 'refreshed' } } },
      }),
    );
  }
  for (const stream of streams) {
    await out(
      JSON.stringify({
        type: 'TRACE',
        trace: {
          type: 'STREAM_STATUS',
          emitted_at: Date.now(),
          stream_status: {
            stream_descriptor: { name: stream.name, ...(stream.namespace ? { namespace: stream.namespace } : {}) },
            status: 'STARTED',
          },
        },
      }),
    );
  }
  const next = streams.map((s) => (cursors.get(key(s.name, s.namespace)) ?? 0) + 1);
  const interleave = config.interleave ?? false;
  let emittedSinceState = streams.map(() => 0);
  const emitOne = async (i) => {
    const s = streams[i];
    await emitRecord(s, next[i]++);
    emittedSinceState[i]++;
    if (stateEvery && emittedSinceState[i] >= stateEvery) {
      emittedSinceState[i] = 0;
      await out(stateLine(s));
    }
    if (config.delayMs && total % (config.delayEvery ?? 10) === 0) {
      await flush();
      await sleep(config.delayMs);
    }
  };
  if (config.forever) {
    for (;;) await emitOne(0);
  }
  if (interleave) {
    let more = true;
    while (more) {
      more = false;
      for (let i = 0; i < streams.length; i++) {
        if (next[i] <= streams[i].records) {
          more = true;
          await emitOne(i);
        }
      }
    }
  } else {
    for (let i = 0; i < streams.length; i++) while (next[i] <= streams[i].records) await emitOne(i);
  }
  // a final state covering everything
  if (stateEvery) for (let i = 0; i < streams.length; i++) if (emittedSinceState[i] > 0) await out(stateLine(streams[i]));
  if (config.traceError && config.failAfter === undefined) {
    await out(
      JSON.stringify({
        type: 'TRACE',
        trace: {
          type: 'ERROR',
          emitted_at: Date.now(),
          error: { message: config.traceError.message, failure_type: config.traceError.failure_type },
        },
      }),
    );
  }
  await out(JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: `source done: ${total} records, blocked ${blocked} times` } }));
  await flush();
  if (config.statsFile) writeFileSync(config.statsFile, JSON.stringify({ total, blocked }));
  if (config.truncateLast) {
    // dies in the middle of a record, as a killed process would
    process.stdout.write('{"type":"RECORD","record":{"stream":"users","data":{"id":99999,"na', () => process.exit(1));
    return;
  }
  if (config.noFinalNewline) process.stdout.write(JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: 'no newline' } }));
  process.exitCode = config.traceError && config.failAfter === undefined ? (config.exitCode ?? 1) : 0;
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(2);
});
