#!/usr/bin/env node
// A scriptable destination for replication tests: `write --config c.json --catalog k.json`.
// Appends every record line it receives (as received) to config.outFile, synchronously, so
// an echoed state really does mean "everything before it is stored". config.messagesFile
// gets the other lines (states, statuses); with config.strictCatalog, a message naming a
// stream that is not in the catalog it was given is a crash, as in a real destination.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const config = JSON.parse(readFileSync(flag('config'), 'utf8'));
const catalog = JSON.parse(readFileSync(flag('catalog'), 'utf8'));
if (config.catalogFile) writeFileSync(config.catalogFile, JSON.stringify(catalog));
const streamKey = (d) => JSON.stringify([d.namespace ?? null, d.name]);
const inCatalog = new Set(catalog.streams.map((s) => streamKey(s.stream)));
function checkStream(d, what) {
  if (config.strictCatalog && !inCatalog.has(streamKey(d)))
    throw new Error(`destination got ${what} of ${streamKey(d)}, not in its catalog`);
}
if (config.pidFile) writeFileSync(config.pidFile, JSON.stringify([process.pid]));
if (config.ignoreSigterm) process.on('SIGTERM', () => {});

if (config.failAtStart) {
  process.stdout.write(
    JSON.stringify({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: Date.now(), error: { ...config.failAtStart } } }) + '\n',
    () => process.exit(1),
  );
}

const echo = config.echo ?? 'each';
let records = 0;
let states = 0;
let latestState;
let pending = '';
let out = [];
/** last STREAM_STATUS per stream, as the engine delivered them */
const statuses = {};

function emit(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

// re-serialised like another language would: different key order, spaces, extra stats
function reformat(state) {
  const copy = { destinationStats: { recordCount: records }, ...state };
  const keys = Object.keys(copy).reverse();
  return `{"state": {${keys.map((k) => `${JSON.stringify(k)}: ${JSON.stringify(copy[k])}`).join(', ')}}, "type": "STATE"}`;
}

function flushOut() {
  if (out.length && config.outFile) appendFileSync(config.outFile, out.join(''));
  out = [];
}

function onLine(line) {
  if (!line.trim()) return;
  const message = JSON.parse(line); // every forwarded line must be valid JSON
  if (message.type !== 'RECORD' && config.messagesFile) appendFileSync(config.messagesFile, line + '\n');
  if (message.type === 'RECORD') {
    checkStream({ name: message.record.stream, namespace: message.record.namespace }, 'a record');
    records++;
    out.push(line + '\n');
    if (out.length >= 100) flushOut();
    if (config.dieAfterRecords !== undefined && records >= config.dieAfterRecords) {
      flushOut();
      if (config.traceOnDie) {
        process.stdout.write(
          JSON.stringify({
            type: 'TRACE',
            trace: {
              type: 'ERROR',
              emitted_at: Date.now(),
              error: {
                message: 'fixture destination: disk full',
                failure_type: 'transient_error',
                // the stream it was writing, in its own names
                stream_descriptor: {
                  name: message.record.stream,
                  ...(message.record.namespace ? { namespace: message.record.namespace } : {}),
                },
              },
            },
          }) + '\n',
        );
      }
      process.stderr.write('fixture destination: dying\n');
      process.stdout.write('', () => process.exit(config.dieExitCode ?? 1));
      process.stdin.pause();
      process.stdin.removeAllListeners('data');
      return 'stop';
    }
  } else if (message.type === 'STATE') {
    if (message.state.type === 'STREAM') checkStream(message.state.stream.stream_descriptor, 'a state');
    if (message.state.type === 'GLOBAL') for (const s of message.state.global.stream_states) checkStream(s.stream_descriptor, 'a state');
    states++;
    flushOut();
    latestState = message.state;
    if (echo === 'each') emit({ type: 'STATE', state: message.state });
    else if (echo === 'reformat') process.stdout.write(reformat(message.state) + '\n');
    else if (echo === 'collapse' && states % (config.collapseEvery ?? 3) === 0) emit({ type: 'STATE', state: latestState });
  } else if (message.type === 'TRACE' && message.trace.type === 'STREAM_STATUS') {
    checkStream(message.trace.stream_status.stream_descriptor, 'a status');
    statuses[message.trace.stream_status.stream_descriptor.name] = message.trace.stream_status.status;
  } else {
    throw new Error(`destination got an unexpected ${message.type} message`);
  }
}

process.stdin.on('data', (chunk) => {
  pending += chunk.toString('utf8');
  const lines = pending.split('\n');
  pending = lines.pop();
  for (const line of lines) if (onLine(line) === 'stop') return;
  if (config.slowMs) {
    process.stdin.pause();
    setTimeout(() => process.stdin.resume(), config.slowMs);
  }
});
process.stdin.on('end', () => {
  if (pending) onLine(pending);
  flushOut();
  if (echo === 'collapse' && latestState) emit({ type: 'STATE', state: latestState });
  emit({ type: 'LOG', log: { level: 'INFO', message: `destination done: ${records} records, ${states} states` } });
  if (config.summaryFile) writeFileSync(config.summaryFile, JSON.stringify({ records, states, statuses }));
  process.exitCode = config.exitCodeOnEnd ?? 0;
});
