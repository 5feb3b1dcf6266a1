import type { LogEntry } from '@tributary/domain';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALLED_MARKER } from './install-once.js';
import { npmInstallTarget } from './npm-runtime.js';
import { ProcessLauncher } from './process-launcher.js';
import type { ConnectorDefinition } from './types.js';

const run = promisify(execFile);

// a connector that answers spec and check, as an npm package's bin
const connectorBin = `#!/usr/bin/env node
const emit = (m) => console.log(JSON.stringify(m));
const command = process.argv[2];
if (command === 'spec') emit({ type: 'SPEC', spec: { connectionSpecification: { type: 'object', title: 'npm fixture' } } });
else if (command === 'check') emit({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } });
else process.exit(2);
`;

/** `npm pack`s a package with the given bins into `dir`; returns the tarball path. */
async function packFixture(dir: string, name: string, bins: string[]): Promise<string> {
  const src = join(dir, name);
  await mkdir(src, { recursive: true });
  const bin = Object.fromEntries(bins.map((b) => [b, `${b}.js`]));
  await writeFile(join(src, 'package.json'), JSON.stringify({ name, version: '1.0.0', bin }));
  for (const b of bins) await writeFile(join(src, `${b}.js`), connectorBin);
  const { stdout } = await run('npm', ['pack', '--pack-destination', dir, '--loglevel=error'], { cwd: src });
  return join(dir, stdout.trim().split('\n').at(-1) ?? '');
}

let root: string;
let tarball: string;
let twoBins: string;
/** `npm` wrapper counting its runs, to prove concurrent callers share one install */
let countingNpm: string;
const npmRuns = async () => (await readFile(join(root, 'npm-runs.txt'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'npm-runtime-'));
  tarball = await packFixture(root, 'tributary-fixture-source', ['source-fixture']);
  twoBins = await packFixture(root, 'tributary-fixture-two-bins', ['source-one', 'source-two']);
  countingNpm = join(root, 'counting-npm.sh');
  await writeFile(countingNpm, `#!/bin/sh\necho "$*" >> '${join(root, 'npm-runs.txt')}'\nexec npm "$@"\n`);
  await chmod(countingNpm, 0o755);
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const npmDef = (pkg: string, bin?: string): ConnectorDefinition => ({
  runtime: { kind: 'npm', package: pkg, version: '1.0.0', ...(bin ? { bin } : {}) },
});

describe('npm runtime', () => {
  it('installs a local tarball once into its own prefix and runs its only bin', async () => {
    const installDir = join(root, 'install-once');
    const launcher = new ProcessLauncher({ installDir, npm: countingNpm });
    const logs: LogEntry[] = [];
    const result = await launcher.spec(npmDef(tarball), { onLog: (e) => logs.push(e) });
    expect(result).toEqual({ ok: true, value: { connectionSpecification: { type: 'object', title: 'npm fixture' } } });
    expect(logs).toContainEqual(expect.objectContaining({ origin: 'platform', message: expect.stringContaining('installing') }));
    const { dir } = npmInstallTarget(installDir, npmDef(tarball).runtime as { package: string; version: string });
    expect(dir.startsWith(join(installDir, 'npm', 'file-tributary-fixture-source-1.0.0-'))).toBe(true);
    expect(JSON.parse(await readFile(join(dir, INSTALLED_MARKER), 'utf8'))).toMatchObject({ what: tarball });

    const again: LogEntry[] = [];
    const check = await launcher.check(npmDef(tarball), {}, { onLog: (e) => again.push(e) });
    expect(check).toEqual({ ok: true, value: { status: 'SUCCEEDED' } });
    expect(again.filter((l) => l.origin === 'platform')).toEqual([]);
    expect(await npmRuns()).toBe(1);
  });

  it('parallel spec calls on a fresh install dir share one npm install', async () => {
    const installDir = join(root, 'install-parallel');
    const before = await npmRuns();
    const launchers = [0, 1, 2, 3].map(() => new ProcessLauncher({ installDir, npm: countingNpm }));
    const results = await Promise.all(launchers.map((l) => l.spec(npmDef(tarball))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await npmRuns()) - before).toBe(1);
  });

  it('asks for a bin when the package has several, and runs the one named', async () => {
    const launcher = new ProcessLauncher({ installDir: join(root, 'install-bins') });
    const ambiguous = await launcher.spec(npmDef(twoBins));
    expect(ambiguous).toMatchObject({ ok: false, failure: { message: expect.stringContaining('one of: source-one, source-two') } });
    expect((await launcher.spec(npmDef(twoBins, 'source-two'))).ok).toBe(true);
    const wrong = await launcher.spec(npmDef(twoBins, 'source-three'));
    expect(wrong).toMatchObject({ ok: false, failure: { message: expect.stringContaining('has no bin "source-three"') } });
  });

  it('a failed npm install reports npm stderr', async () => {
    const launcher = new ProcessLauncher({ installDir: join(root, 'install-fail') });
    const result = await launcher.spec(npmDef(join(root, 'does-not-exist.tgz')));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.message).toMatch(/npm install .*does-not-exist\.tgz failed \(exit code \d+\):\n/);
    expect(result.failure.message).toContain('ENOENT');
  });

  it('rejects names that could escape the install dir', () => {
    expect(() => npmInstallTarget('/x', { package: 'evil/../../etc', version: '1' })).toThrow('invalid npm package name');
    expect(() => npmInstallTarget('/x', { package: 'ok', version: '../1' })).toThrow('invalid version');
    expect(npmInstallTarget('/x', { package: '@scope/pkg', version: '1.2.3' })).toEqual({
      spec: '@scope/pkg@1.2.3',
      dir: '/x/npm/@scope__pkg-1.2.3',
    });
  });
});
