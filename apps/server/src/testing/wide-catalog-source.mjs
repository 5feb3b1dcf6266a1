// A source for tests whose catalog is as wide as its config says: `streams` streams of 30
// columns each (a warehouse with thousands of tables). Speaks just enough of the protocol:
// spec, check, discover.
import { readFileSync } from 'node:fs';

const [command, ...rest] = process.argv.slice(2);
const emit = (message) => process.stdout.write(JSON.stringify(message) + '\n');
const config = () => JSON.parse(readFileSync(rest[rest.indexOf('--config') + 1], 'utf8'));

if (command === 'spec') {
  emit({
    type: 'SPEC',
    spec: { connectionSpecification: { type: 'object', required: ['streams'], properties: { streams: { type: 'integer', minimum: 1 } } } },
  });
} else if (command === 'check') {
  emit({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } });
} else if (command === 'discover') {
  const columns = Object.fromEntries(
    Array.from({ length: 30 }, (_, i) => [
      `column_${i}`,
      { type: ['null', 'string'], description: `column ${i} of the table, as the source describes it` },
    ]),
  );
  const streams = Array.from({ length: config().streams }, (_, i) => ({
    name: `table_${i}`,
    namespace: 'warehouse',
    json_schema: { type: 'object', properties: { id: { type: 'integer' }, ...columns } },
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_primary_key: [['id']],
  }));
  emit({ type: 'CATALOG', catalog: { streams } });
} else {
  process.stderr.write(`wide-catalog-source: unsupported command ${command}\n`);
  process.exit(2);
}
