/**
 * destination-jsonl's S3 mode as a real process against a real MinIO server
 * (testing/src/minio.ts; tools/ensure-minio.sh builds it once). Run `npx tsc -b libs/connectors` first.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ProcessLauncher } from '@tributary/launcher';
import { createS3Client, type S3Client as Client } from '@tributary/storage/s3';
import { startTestMinio, type TestMinio } from '@tributary/testing';
import {
  configuredCatalog,
  makeTempDir,
  ofType,
  readSource,
  spawnBuiltin,
  stateAcks,
  writeDestination,
  writeInputFiles,
  type TestStream,
} from '@tributary/testing/connectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBuiltinConnector } from '../index.js';

const record = (stream: string, data: Record<string, unknown>) =>
  JSON.stringify({ type: 'RECORD', record: { stream, data, emitted_at: 1_700_000_000_000 } });
const streamState = (stream: string, offset: number) =>
  JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: { offset } } } });

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('destination-jsonl (S3 mode, real MinIO)', () => {
  let minio: TestMinio;
  let client: Client;

  beforeAll(async () => {
    minio = await startTestMinio();
    client = createS3Client({ ...minio.settings('unused'), endpoint: minio.endpoint }).client;
  });
  afterAll(() => minio?.stop());

  /** a config for a fresh bucket (created by the connector) */
  const s3Config = (overrides: Record<string, unknown> = {}) => ({
    storage: {
      storage_type: 's3',
      bucket: `jsonl-${randomUUID().slice(0, 8)}`,
      endpoint: minio.endpoint,
      region: minio.region,
      access_key_id: minio.accessKeyId,
      secret_access_key: minio.secretAccessKey,
      path_prefix: 'exports/tributary',
      path_style: true,
      ...overrides,
    },
  });
  const bucketOf = (config: ReturnType<typeof s3Config>) => config.storage.bucket as string;

  async function keys(bucket: string, prefix = ''): Promise<string[]> {
    const names: string[] = [];
    for await (const object of client.listObjectsV2(bucket, prefix, true)) if (object.name) names.push(object.name);
    return names.sort();
  }

  /** the `_airbyte_data` of every line under a stream's folder, objects in key order */
  async function dataIn(bucket: string, folder: string): Promise<unknown[]> {
    const lines: unknown[] = [];
    for (const key of await keys(bucket, folder)) {
      const text = await readAll(await client.getObject(bucket, key));
      for (const line of text.split('\n').filter((l) => l !== ''))
        lines.push((JSON.parse(line) as { _airbyte_data: unknown })._airbyte_data);
    }
    return lines;
  }

  const write = (config: Record<string, unknown>, streams: (string | TestStream)[], input: string[]) =>
    writeDestination('destination-jsonl', { config, catalog: configuredCatalog(streams) }, input.join('\n') + '\n');

  it('writes every record of every stream to objects under <path_prefix>/<stream>/ and echoes the states', async () => {
    const config = s3Config();
    const catalog = configuredCatalog(['users', 'products']);
    const source = await readSource('source-sample', { config: { count: 1200, records_per_state: 500 }, catalog });
    const run = await writeDestination('destination-jsonl', { config, catalog }, source.stdout);
    expect(run.code, run.stderr).toBe(0);
    const bucket = bucketOf(config);
    for (const stream of ['users', 'products']) {
      const sent = ofType(source.messages, 'RECORD').filter((m) => m.record.stream === stream);
      expect(await dataIn(bucket, `exports/tributary/${stream}/`)).toEqual(sent.map((m) => m.record.data));
    }
    expect((await keys(bucket)).every((key) => /^exports\/tributary\/(users|products)\/\d{13}-[0-9a-f]{12}-\d{6}\.jsonl$/.test(key))).toBe(
      true,
    );
    expect(ofType(run.messages, 'STATE').map((m) => m.state.stream?.stream_state)).toEqual(
      ofType(source.messages, 'STATE').map((m) => m.state.stream?.stream_state),
    );
    expect(ofType(run.messages, 'LOG').at(-1)?.log.message).toMatch(
      new RegExp(`wrote 2400 record\\(s\\) to s3://${bucket}/exports/tributary`),
    );
  });

  it('acknowledges a state only after the records before it are uploaded', async () => {
    const config = s3Config();
    const bucket = bucketOf(config);
    const dir = await makeTempDir();
    try {
      const files = await writeInputFiles(dir.path, { 'config.json': config, 'catalog.json': configuredCatalog(['users']) });
      const child = spawnBuiltin('destination-jsonl', ['write', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
      const { nextAck } = stateAcks(child);

      for (let batch = 1; batch <= 3; batch++) {
        const lines = Array.from({ length: 100 }, (_, i) => record('users', { batch, i }));
        const acked = nextAck(batch);
        child.stdin.write(`${lines.join('\n')}\n${streamState('users', batch * 100)}\n`);
        await acked;
        // at the moment of the ack the bucket already holds everything sent before the state
        expect(await dataIn(bucket, 'exports/tributary/users/')).toHaveLength(batch * 100);
        expect(await keys(bucket)).toHaveLength(batch);
      }
      child.stdin.end();
      expect(await new Promise((resolve) => child.once('close', resolve))).toBe(0);
    } finally {
      await dir.remove();
    }
  });

  it('replaces a stream’s objects in overwrite mode, appends in append mode, and keeps the old objects of an overwrite stream the source did not complete', async () => {
    const config = s3Config({ path_prefix: '' });
    const bucket = bucketOf(config);
    const streams: TestStream[] = [{ name: 'users', destinationSyncMode: 'overwrite' }, { name: 'events' }];
    expect(
      (await write(config, streams, [record('users', { id: 'a' }), record('users', { id: 'b' }), record('events', { n: 1 })])).code,
    ).toBe(0);
    expect((await write(config, streams, [record('users', { id: 'c' }), record('events', { n: 2 })])).code).toBe(0);
    expect(await dataIn(bucket, 'users/')).toEqual([{ id: 'c' }]);
    expect(await dataIn(bucket, 'events/')).toEqual([{ n: 1 }, { n: 2 }]);

    const status = (stream: string, value: string) =>
      JSON.stringify({
        type: 'TRACE',
        trace: { type: 'STREAM_STATUS', emitted_at: 1, stream_status: { stream_descriptor: { name: stream }, status: value } },
      });
    const partial = await write(config, streams, [status('users', 'STARTED'), record('users', { id: 'partial' }), streamState('users', 1)]);
    expect(partial.code).toBe(0);
    expect(await dataIn(bucket, 'users/')).toEqual([{ id: 'c' }]);
  });

  it('check passes with good credentials; a wrong secret or an unknown key fails check and write with a message naming the field', async () => {
    const launcher = new ProcessLauncher({ installDir: (await makeTempDir()).path, resolveBuiltin: resolveBuiltinConnector });
    const def = { runtime: { kind: 'builtin' as const, name: 'destination-jsonl' } };
    const check = async (config: Record<string, unknown>) => {
      const result = await launcher.check(def, config, { role: 'destination' });
      if (!result.ok) throw new Error(`check did not run: ${JSON.stringify(result)}`);
      return result.value;
    };
    const good = s3Config();
    expect(await check(good)).toEqual({ status: 'SUCCEEDED' });
    // the bucket was created, the probe object removed
    expect(await client.bucketExists(bucketOf(good))).toBe(true);
    expect(await keys(bucketOf(good))).toEqual([]);

    const wrongSecret = await check(s3Config({ secret_access_key: 'not-the-secret' }));
    expect(wrongSecret.status).toBe('FAILED');
    expect(wrongSecret.message).toMatch(
      /^cannot write to s3:\/\/jsonl-[0-9a-f]{8}\/exports\/tributary at http:\/\/127\.0\.0\.1:\d+: secret_access_key is not the secret of access_key_id \(SignatureDoesNotMatch/,
    );
    const unknownKey = await check(s3Config({ access_key_id: 'nobody' }));
    expect(unknownKey).toMatchObject({
      status: 'FAILED',
      message: expect.stringContaining('the server does not know access_key_id (InvalidAccessKeyId'),
    });
    expect(await check({ storage: { storage_type: 's3', endpoint: minio.endpoint } })).toMatchObject({
      status: 'FAILED',
      message: expect.stringContaining('config.storage.bucket is required'),
    });

    const run = await write(s3Config({ secret_access_key: 'not-the-secret' }), ['users'], [record('users', { id: 1 })]);
    expect(run.code).toBe(1);
    expect(ofType(run.messages, 'TRACE')[0]?.trace.error).toMatchObject({
      failure_type: 'config_error',
      message: expect.stringContaining('secret_access_key is not the secret of access_key_id'),
    });
  });
});
