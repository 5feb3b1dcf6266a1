import type { LogEntry } from '@tributary/domain';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirbyteStream, ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { connectorInstallDir, messagesOf } from '@tributary/testing';
import { isInstalled } from './install-once.js';
import { ProcessLauncher } from './process-launcher.js';
import { consoleScriptsOf, pypiInstallDir } from './pypi-runtime.js';
import { resolveRuntime } from './runtimes.js';
import type { ConnectorDefinition } from './types.js';

// 7.2.1 requires Python >=3.10,<3.13 and airbyte-cdk 6.x; installs `source-faker`
// (and airbyte-cdk's `source-declarative-manifest`, so the script must be picked with care)
const FAKER_VERSION = '7.2.1';
const faker: ConnectorDefinition = { runtime: { kind: 'pypi', package: 'airbyte-source-faker', version: FAKER_VERSION } };
const INSTALL_TIMEOUT_MS = 15 * 60_000;

describe('pypi runtime helpers', () => {
  it('reads console scripts from entry_points.txt', () => {
    const text = '[console_scripts]\nsource-faker = source_faker.run:run\n\n[other]\nx = y:z\n';
    expect(consoleScriptsOf(text)).toEqual(['source-faker']);
    expect(consoleScriptsOf('')).toEqual([]);
  });

  it('rejects names that could escape the install dir', () => {
    expect(() => pypiInstallDir('/x', { package: '../evil', version: '1' })).toThrow('invalid PyPI package name');
    expect(() => pypiInstallDir('/x', { package: 'ok', version: '1/../../2' })).toThrow('invalid version');
    expect(pypiInstallDir('/x', { package: 'airbyte-source-faker', version: '7.2.1' })).toBe('/x/pypi/airbyte-source-faker-7.2.1');
  });
});

describe('pypi runtime with airbyte-source-faker from PyPI', () => {
  const launcher = new ProcessLauncher({ installDir: connectorInstallDir() });
  const logs: LogEntry[] = [];
  let users: AirbyteStream | undefined;

  // the first install (a venv plus airbyte-cdk) takes a minute or more; the cache dir keeps it
  beforeAll(async () => {
    const started = Date.now();
    const result = await launcher.spec(faker, { onLog: (e) => logs.push(e), timeoutMs: INSTALL_TIMEOUT_MS });
    const installed = logs.find((l) => l.message.startsWith('installed airbyte-source-faker'));
    console.log(`faker spec with ${installed ? installed.message : 'no install (cached)'}; ${Date.now() - started} ms in all`);
    expect(result.ok).toBe(true);
  }, INSTALL_TIMEOUT_MS);

  it('spec returns a connectionSpecification', async () => {
    const result = await launcher.spec(faker);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.connectionSpecification).toMatchObject({
      type: 'object',
      properties: { count: expect.objectContaining({ type: 'integer' }) },
    });
  });

  it('a second resolve reuses the virtualenv without reinstalling', async () => {
    expect(await isInstalled(pypiInstallDir(connectorInstallDir(), { package: 'airbyte-source-faker', version: FAKER_VERSION }))).toBe(
      true,
    );
    const again: LogEntry[] = [];
    const started = Date.now();
    const resolved = await resolveRuntime(faker.runtime, { installDir: connectorInstallDir() }, (e) => again.push(e));
    expect(Date.now() - started).toBeLessThan(5_000); // no pip run: the logs below stay empty
    expect(again).toEqual([]);
    expect(resolved.command).toBe(join(connectorInstallDir(), 'pypi', `airbyte-source-faker-${FAKER_VERSION}`, 'bin', 'source-faker'));
  });

  it('check with count 100 succeeds', async () => {
    expect(await launcher.check(faker, { count: 100 })).toEqual({ ok: true, value: expect.objectContaining({ status: 'SUCCEEDED' }) });
  });

  it('discover lists users, products and purchases', async () => {
    const result = await launcher.discover(faker, { count: 100 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.streams.map((s) => s.name).sort()).toEqual(['products', 'purchases', 'users']);
    users = result.value.streams.find((s) => s.name === 'users');
  });

  it('read of users (full_refresh, append) emits records and a state', async () => {
    expect(users).toBeDefined();
    if (!users) return;
    const catalog: ConfiguredAirbyteCatalog = { streams: [{ stream: users, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] };
    const stderr: LogEntry[] = [];
    const proc = await launcher.read(faker, { config: { count: 100, seed: 42 }, catalog }, { onLog: (e) => stderr.push(e) });
    const messages = await messagesOf(proc.stdout);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    const records = messages.filter((m) => m.type === 'RECORD');
    expect(records).toHaveLength(100);
    expect(records.every((m) => m.type === 'RECORD' && m.record.stream === 'users')).toBe(true);
    expect(messages.some((m) => m.type === 'STATE')).toBe(true);
  });
});

describe('pypi install failures', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pypi-fail-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('a pip failure carries pip stderr and leaves nothing marked installed', async () => {
    const launcher = new ProcessLauncher({ installDir: root });
    const logs: LogEntry[] = [];
    const missing: ConnectorDefinition = { runtime: { kind: 'pypi', package: 'airbyte-source-faker', version: '0.0.0.999' } };
    const result = await launcher.spec(missing, { onLog: (e) => logs.push(e) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.message).toContain('pip install airbyte-source-faker==0.0.0.999 failed (exit code 1):');
    expect(result.failure.message).toMatch(/No matching distribution found for airbyte-source-faker==0\.0\.0\.999/);
    expect(logs).toContainEqual(expect.objectContaining({ origin: 'platform', level: 'error' }));
    expect(await isInstalled(pypiInstallDir(root, { package: 'airbyte-source-faker', version: '0.0.0.999' }))).toBe(false);
  }, 120_000);

  it('a missing python interpreter is a clear error', async () => {
    const launcher = new ProcessLauncher({ installDir: root, python: '/nonexistent/python3' });
    const result = await launcher.spec({ runtime: { kind: 'pypi', package: 'airbyte-source-faker', version: '1.0.0' } });
    expect(result).toMatchObject({ ok: false, failure: { message: expect.stringContaining('could not run /nonexistent/python3') } });
  });
});
