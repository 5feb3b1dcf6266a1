/** destination-jsonl as a real process. Run `npx tsc -b libs/connectors` first. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ProcessLauncher } from '@tributary/launcher';
import { ConnectorSpecificationSchema } from '@tributary/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveBuiltinConnector } from '../index.js';
import { configuredCatalog, type TestStream } from '@tributary/testing/connectors';
import { makeTempDir, ofType, readSource, spawnBuiltin, stateAcks, writeDestination, writeInputFiles } from '@tributary/testing/connectors';

interface RawLine {
  _airbyte_raw_id: string;
  _airbyte_extracted_at: number;
  _airbyte_generation_id: number;
  _airbyte_meta: { changes: unknown[] };
  _airbyte_data: Record<string, unknown>;
}

const record = (stream: string, data: Record<string, unknown>, namespace?: string) =>
  JSON.stringify({ type: 'RECORD', record: { ...(namespace ? { namespace } : {}), stream, data, emitted_at: 1_700_000_000_000 } });
const streamState = (stream: string, offset: number) =>
  JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: { offset } } } });
const streamStatus = (stream: string, status: string) =>
  JSON.stringify({
    type: 'TRACE',
    trace: { type: 'STREAM_STATUS', emitted_at: 1, stream_status: { stream_descriptor: { name: stream }, status } },
  });

async function readJsonl(path: string): Promise<RawLine[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as RawLine);
}

/** every file under dir, relative, sorted */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('destination-jsonl (process)', () => {
  let root: string;
  let out: string;
  const write = (streams: (string | TestStream)[], input: string[], defaults: Omit<TestStream, 'name'> = {}) =>
    writeDestination(
      'destination-jsonl',
      { config: { destination_path: out }, catalog: configuredCatalog(streams, defaults) },
      input.join('\n') + '\n',
    );

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'jsonl-test-'));
    out = join(root, 'out');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('has a valid spec; check accepts a writable absolute path and explains bad ones', async () => {
    const launcher = new ProcessLauncher({ installDir: root, resolveBuiltin: resolveBuiltinConnector });
    const def = { runtime: { kind: 'builtin' as const, name: 'destination-jsonl' } };
    const spec = await launcher.spec(def);
    const specification = spec.ok ? ConnectorSpecificationSchema.parse(spec.value).connectionSpecification : {};
    // destination_path for local storage, or a storage.s3 option with its credentials as secrets
    expect(specification['required']).toBeUndefined();
    const storageOptions = (
      specification['properties'] as { storage: { oneOf: { properties: Record<string, { const?: string; airbyte_secret?: boolean }> }[] } }
    ).storage.oneOf;
    expect(storageOptions.map((o) => o.properties['storage_type']?.const)).toEqual(['local', 's3']);
    expect(
      Object.entries(storageOptions[1]!.properties)
        .filter(([, p]) => p.airbyte_secret)
        .map(([name]) => name),
    ).toEqual(['access_key_id', 'secret_access_key']);
    const missing = await launcher.check(def, {}, { role: 'destination' });
    expect(missing.ok && missing.value).toMatchObject({
      status: 'FAILED',
      message: expect.stringContaining('config.destination_path is required'),
    });
    expect((await launcher.check(def, { destination_path: out }, { role: 'destination' })).ok).toBe(true);
    const relativePath = await launcher.check(def, { destination_path: 'out' }, { role: 'destination' });
    expect(relativePath.ok && relativePath.value).toMatchObject({ status: 'FAILED', message: expect.stringContaining('absolute') });
    await writeFile(join(root, 'a-file'), 'x');
    const notADirectory = await launcher.check(def, { destination_path: join(root, 'a-file', 'sub') }, { role: 'destination' });
    expect(notADirectory.ok && notADirectory.value.status).toBe('FAILED');
  });

  it('writes each stream’s records to its own file in the raw-record shape', async () => {
    const catalog = configuredCatalog(['users', 'products', 'purchases']);
    const source = await readSource('source-sample', { config: { count: 1200, records_per_state: 500 }, catalog });
    const run = await writeDestination('destination-jsonl', { config: { destination_path: out }, catalog }, source.stdout);
    expect(run.code).toBe(0);
    expect(await listFiles(out)).toEqual(['products.jsonl', 'purchases.jsonl', 'users.jsonl']);
    for (const stream of ['users', 'products', 'purchases']) {
      const lines = await readJsonl(join(out, `${stream}.jsonl`));
      const sent = ofType(source.messages, 'RECORD').filter((m) => m.record.stream === stream);
      expect(lines.map((l) => l._airbyte_data)).toEqual(sent.map((m) => m.record.data));
      expect(lines[0]).toMatchObject({
        _airbyte_extracted_at: sent[0]?.record.emitted_at,
        _airbyte_generation_id: 0,
        _airbyte_meta: { changes: [] },
      });
      expect(new Set(lines.map((l) => l._airbyte_raw_id)).size).toBe(1200);
      expect(lines[0]?._airbyte_raw_id).toMatch(/^[0-9a-f-]{36}$/);
    }
    const sentStates = ofType(source.messages, 'STATE').map((m) => m.state);
    const acked = ofType(run.messages, 'STATE').map((m) => m.state);
    expect(acked.map((s) => s.stream?.stream_state)).toEqual(sentStates.map((s) => s.stream?.stream_state));
    expect(acked.map((s) => s.destinationStats?.recordCount)).toEqual(sentStates.map((s) => s.sourceStats?.recordCount));
  });

  it('replaces the file in overwrite mode and appends in append mode', async () => {
    const first = ['a', 'b'].map((id) => record('users', { id }));
    await write([{ name: 'users', destinationSyncMode: 'overwrite' }, { name: 'events' }], [...first, record('events', { n: 1 })]);
    await write(
      [{ name: 'users', destinationSyncMode: 'overwrite' }, { name: 'events' }],
      [record('users', { id: 'c' }), record('events', { n: 2 })],
    );
    expect((await readJsonl(join(out, 'users.jsonl'))).map((l) => l._airbyte_data)).toEqual([{ id: 'c' }]);
    expect((await readJsonl(join(out, 'events.jsonl'))).map((l) => l._airbyte_data)).toEqual([{ n: 1 }, { n: 2 }]);
    // no temp files left behind
    expect(await listFiles(out)).toEqual(['events.jsonl', 'users.jsonl']);
  });

  it('replaces with an empty file when an overwrite stream has no records', async () => {
    await write([{ name: 'users', destinationSyncMode: 'overwrite' }], [record('users', { id: 1 })]);
    await write([{ name: 'users', destinationSyncMode: 'overwrite' }], []);
    expect(await readFile(join(out, 'users.jsonl'), 'utf8')).toBe('');
  });

  it('treats append with minimum_generation_id = generation_id as a refresh that replaces the file', async () => {
    await write(['users'], [record('users', { id: 1 })]);
    await write([{ name: 'users', generationId: 3, minimumGenerationId: 3 }], [record('users', { id: 2 })]);
    const lines = await readJsonl(join(out, 'users.jsonl'));
    expect(lines.map((l) => [l._airbyte_data, l._airbyte_generation_id])).toEqual([[{ id: 2 }, 3]]);
  });

  it('keeps the previous file when the source did not complete an overwrite stream', async () => {
    await write([{ name: 'users', destinationSyncMode: 'overwrite' }], [record('users', { id: 'old' })]);
    const run = await write(
      [
        { name: 'users', destinationSyncMode: 'overwrite' },
        { name: 'products', destinationSyncMode: 'overwrite' },
      ],
      [
        streamStatus('users', 'STARTED'),
        record('users', { id: 'partial' }),
        streamStatus('products', 'STARTED'),
        record('products', { id: 1 }),
        streamStatus('products', 'COMPLETE'),
      ],
    );
    expect(run.code).toBe(0);
    expect((await readJsonl(join(out, 'users.jsonl'))).map((l) => l._airbyte_data)).toEqual([{ id: 'old' }]);
    expect((await readJsonl(join(out, 'products.jsonl'))).map((l) => l._airbyte_data)).toEqual([{ id: 1 }]);
    expect(ofType(run.messages, 'LOG').some((m) => m.log.level === 'WARN' && m.log.message.includes('users did not complete'))).toBe(true);
    expect(await listFiles(out)).toEqual(['products.jsonl', 'users.jsonl']);
  });

  it('acknowledges a state only after the records before it are in the file', async () => {
    const dir = await makeTempDir();
    try {
      const files = await writeInputFiles(dir.path, {
        'config.json': { destination_path: out },
        'catalog.json': configuredCatalog(['users']),
      });
      const child = spawnBuiltin('destination-jsonl', ['write', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
      const { acks, nextAck } = stateAcks(child);

      for (let batch = 1; batch <= 3; batch++) {
        const lines = Array.from({ length: 100 }, (_, i) => record('users', { batch, i }));
        const acked = nextAck(batch);
        child.stdin.write(`${lines.join('\n')}\n${streamState('users', batch * 100)}\n`);
        await acked;
        // at the moment of the ack the file already holds everything sent before the state
        expect((await readJsonl(join(out, 'users.jsonl'))).length).toBe(batch * 100);
        expect(acks[batch - 1]?.destinationStats?.recordCount).toBe(100);
      }
      child.stdin.end();
      expect(await new Promise((resolve) => child.once('close', resolve))).toBe(0);
    } finally {
      await dir.remove();
    }
  });

  it('keeps hostile stream and namespace names inside destination_path', async () => {
    const hostile = ['../../etc/x', '..', '/etc/passwd', 'a/../../b'];
    const run = await write(
      [...hostile.map((name) => ({ name, destinationSyncMode: 'overwrite' as const })), { name: 'users', namespace: '../../escape' }],
      [...hostile.map((name, i) => record(name, { i })), record('users', { ns: true }, '../../escape')],
    );
    expect(run.code).toBe(0);
    const written = await listFiles(root);
    expect(written).toHaveLength(5);
    for (const file of written) expect(file.startsWith(`out/`)).toBe(true);
    expect(written.flatMap((f) => f.split('/')).filter((segment) => segment === '..' || segment.startsWith('.'))).toEqual([]);
    expect(written.filter((f) => f.includes('escape'))).toEqual([expect.stringMatching(/^out\/_+escape_[0-9a-f]{8}\/users\.jsonl$/)]);
  });

  it('warns about garbage lines and keeps going; a record for an unknown stream fails the sync clearly', async () => {
    const run = await write(
      ['users'],
      ['garbage', '{"type":"RECORD","record":{"stream":"users"}}', '{not json', record('users', { id: 1 }), streamState('users', 1)],
    );
    expect(run.code).toBe(0);
    expect(ofType(run.messages, 'LOG').filter((m) => m.log.level === 'WARN').length).toBeGreaterThanOrEqual(3);
    expect(ofType(run.messages, 'STATE')[0]?.state.destinationStats?.recordCount).toBe(1);
    expect((await readJsonl(join(out, 'users.jsonl'))).length).toBe(1);

    const unknown = await write(['users'], [record('orders', { id: 1 })]);
    expect(unknown.code).toBe(1);
    expect(ofType(unknown.messages, 'TRACE')[0]?.trace.error?.message).toMatch(/orders.*not in the configured catalog/);
  });

  it('rejects a sync mode files cannot honour as a config error', async () => {
    const run = await write([{ name: 'users', destinationSyncMode: 'append_dedup' }], []);
    expect(run.code).toBe(1);
    expect(ofType(run.messages, 'TRACE')[0]?.trace.error?.failure_type).toBe('config_error');
  });
});
