#!/usr/bin/env node
// A connector for launcher tests: `fake-connector.mjs <behaviour> <command> [--config f] ...`.
// Behaviours: normal | trace-error | silent-exit | hang. Prints protocol JSON lines mixed
// with the kind of noise real connectors print (plain text, invalid JSON messages, stderr).
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

const [behaviour, command, ...rest] = process.argv.slice(2);
const flag = (name) => {
  const i = rest.indexOf(`--${name}`);
  return i === -1 ? undefined : rest[i + 1];
};
const emit = (message) => process.stdout.write(JSON.stringify(message) + '\n');
const log = (message) => emit({ type: 'LOG', log: { level: 'INFO', message } });
const usersStream = {
  name: 'users',
  json_schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
  supported_sync_modes: ['full_refresh', 'incremental'],
  source_defined_primary_key: [['id']],
};

if (behaviour === 'trace-error') {
  emit({
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: 1700000000000,
      error: { message: 'bad credentials', internal_message: 'HTTP 401 from api', failure_type: 'config_error' },
    },
  });
  process.exit(1);
}
if (behaviour === 'silent-exit') {
  process.stdout.write('some text before dying\n');
  process.stderr.write('Traceback: boom\n');
  process.exit(3);
}
if (behaviour === 'hang') {
  process.stdout.write('hanging\n');
  setInterval(() => {}, 1000);
} else {
  const config = flag('config') ? JSON.parse(readFileSync(flag('config'), 'utf8')) : {};
  switch (command) {
    case 'spec':
      process.stdout.write('starting up, not JSON\n');
      process.stdout.write('{"not": "a protocol message"}\n');
      process.stderr.write('spec on stderr\n');
      log('about to print the spec');
      emit({
        type: 'SPEC',
        spec: { connectionSpecification: { type: 'object', properties: { password: { type: 'string', airbyte_secret: true } } } },
      });
      break;
    case 'check': {
      // proves what the launcher handed us while we run: argv and the config file's mode
      const configPath = flag('config');
      const mode = (statSync(configPath).mode & 0o777).toString(8);
      const dirMode = (statSync(dirname(configPath)).mode & 0o777).toString(8);
      log(JSON.stringify({ argv: process.argv.slice(3), configPath, mode, dirMode }));
      const ok = config.password === 'secret';
      emit({ type: 'CONNECTION_STATUS', connectionStatus: ok ? { status: 'SUCCEEDED' } : { status: 'FAILED', message: 'wrong password' } });
      break;
    }
    case 'discover':
      emit({ type: 'CATALOG', catalog: { streams: [usersStream] } });
      break;
    case 'read': {
      const catalog = JSON.parse(readFileSync(flag('catalog'), 'utf8'));
      const state = flag('state') ? JSON.parse(readFileSync(flag('state'), 'utf8')) : undefined;
      const from = state?.[0]?.stream?.stream_state?.cursor ?? 0;
      for (const configured of catalog.streams) {
        const name = configured.stream.name;
        for (let id = from + 1; id <= from + (config.count ?? 3); id++)
          emit({ type: 'RECORD', record: { stream: name, data: { id, name: `user ${id}` }, emitted_at: Date.now() } });
        emit({
          type: 'STATE',
          state: { type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: { cursor: from + (config.count ?? 3) } } },
        });
      }
      process.stderr.write('read done\n');
      break;
    }
    case 'write': {
      let records = 0;
      let buffered = '';
      process.stdin.on('data', (chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) {
          if (!line.trim()) continue;
          const m = JSON.parse(line);
          if (m.type === 'RECORD') records++;
          if (m.type === 'STATE') process.stdout.write(line + '\n'); // ack state once "committed"
        }
      });
      process.stdin.on('end', () => process.stderr.write(`wrote ${records} records\n`));
      break;
    }
    default:
      process.stderr.write(`unknown command ${command}\n`);
      process.exit(2);
  }
}
