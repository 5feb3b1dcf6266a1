/**
 * Builtin connectors run from their bundle (dist/bundle, made by the build's bundle step)
 * only while it is fresh, and a bundled connector says exactly what the compiled one says.
 * Needs `npm run build` (tsc -b, then the bundle step) first, as `npm test` does.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_CONNECTORS, builtinEntrypoint, bundleFiles, compiledEntrypoint, freshBundle } from './index.js';

const run = promisify(execFile);

describe('freshBundle', () => {
  let root: string;
  let input: string;
  const seconds = (s: number) => new Date(1_700_000_000_000 + s * 1000);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'connector-bundle-'));
    await mkdir(join(root, 'dist', 'bundle'), { recursive: true });
    input = join(root, 'input.js');
    await writeFile(input, '// a source file');
    await utimes(input, seconds(0), seconds(0));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function writeBundle(inputs: unknown, at = 10): Promise<string> {
    const { bundle, inputs: list } = bundleFiles('source-sample', root);
    await writeFile(bundle, '// bundled');
    await writeFile(list, typeof inputs === 'string' ? inputs : JSON.stringify(inputs));
    await utimes(bundle, seconds(at), seconds(at));
    return bundle;
  }

  it('is the bundle while it is at least as new as every file it was made from', async () => {
    const bundle = await writeBundle([input]);
    expect(freshBundle('source-sample', root)).toBe(bundle);
  });

  it('is undefined without a bundle, once a file it was made from changed, or when one is gone', async () => {
    expect(freshBundle('source-sample', root)).toBeUndefined();
    await writeBundle([input]);
    await utimes(input, seconds(20), seconds(20));
    expect(freshBundle('source-sample', root)).toBeUndefined();
    await writeBundle([input, join(root, 'deleted.js')], 30);
    expect(freshBundle('source-sample', root)).toBeUndefined();
  });

  it('is undefined when the list of inputs is missing, empty or not a list', async () => {
    for (const inputs of ['not json', '{}', '[]', '[42]']) {
      await writeBundle(inputs);
      expect(freshBundle('source-sample', root), inputs).toBeUndefined();
    }
  });
});

describe('bundled builtin connectors (after npm run build)', () => {
  it('are what the launcher runs', () => {
    for (const name of BUILTIN_CONNECTORS) expect(builtinEntrypoint(name)).toBe(bundleFiles(name).bundle);
  });

  it("start without loading Node's fetch (pg's Cloudflare check would, 15-30 ms of every start on Node 20)", async () => {
    // the module list as the process exits, written to stderr by a preloaded module
    const report = `process.on('exit', () => process.stderr.write(JSON.stringify(process.moduleLoadList)))`;
    const preload = `data:text/javascript,${encodeURIComponent(report)}`;
    for (const name of BUILTIN_CONNECTORS) {
      const { stdout, stderr } = await run(process.execPath, ['--import', preload, bundleFiles(name).bundle, 'spec']);
      expect(stdout, name).toContain('"type":"SPEC"');
      const loaded = JSON.parse(stderr) as string[];
      expect(loaded, name).toContain('NativeModule fs'); // the list is real
      expect(
        loaded.filter((m) => m.includes('undici')),
        name,
      ).toEqual([]);
    }
  });

  it('answer spec and discover, and read the same records, as the compiled entrypoints', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'connector-bundle-run-'));
    try {
      const config = join(dir, 'config.json');
      await writeFile(config, JSON.stringify({ count: 50, seed: 7, streams: ['users', 'purchases'] }));
      const output = async (entry: string, args: string[]) =>
        (await run(process.execPath, [entry, ...args], { maxBuffer: 1 << 26 })).stdout;
      const compiled = compiledEntrypoint('source-sample');
      const bundled = bundleFiles('source-sample').bundle;
      for (const name of BUILTIN_CONNECTORS)
        expect(await output(bundleFiles(name).bundle, ['spec'])).toBe(await output(compiledEntrypoint(name), ['spec']));
      const discovered = await output(bundled, ['discover', '--config', config]);
      expect(discovered).toBe(await output(compiled, ['discover', '--config', config]));

      const { catalog } = JSON.parse(discovered.trim().split('\n').at(-1)!) as { catalog: { streams: { name: string }[] } };
      const configured = join(dir, 'catalog.json');
      await writeFile(
        configured,
        JSON.stringify({
          streams: catalog.streams.map((stream) => ({ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })),
        }),
      );
      // emitted_at is the time of the run: everything else must match
      const withoutTimes = (text: string) => text.replace(/"emitted_at":\d+/g, '"emitted_at":0');
      const read = withoutTimes(await output(bundled, ['read', '--config', config, '--catalog', configured]));
      expect(read).toBe(withoutTimes(await output(compiled, ['read', '--config', config, '--catalog', configured])));
      expect(read.match(/"type":"RECORD"/g)).toHaveLength(100);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
