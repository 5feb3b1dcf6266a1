import type { LogEntry } from '@tributary/domain';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { DEFAULT_DESTINATION_NICE, ProcessLauncher } from './process-launcher.js';
import { RUN_DIR_PREFIX, sweepStaleRunDirs } from './run-dirs.js';
import { ConnectorLaunchError, type ConnectorDefinition, type ConnectorProcess } from './types.js';
import { fixturePath, messagesOf } from '@tributary/testing';

const fakeConnector = fixturePath('fake-connector.mjs');
const fake = (behaviour: string): ConnectorDefinition => ({
  runtime: { kind: 'command', command: process.execPath, args: [fakeConnector, behaviour] },
});

const usersCatalog: ConfiguredAirbyteCatalog = {
  streams: [
    {
      stream: { name: 'users', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'append',
    },
  ],
};

let tmpDir: string;
let launcher: ProcessLauncher;

beforeAll(async () => {
  tmpDir = await mkdtemp(join(tmpdir(), 'launcher-test-'));
  launcher = new ProcessLauncher({ installDir: join(tmpDir, 'install'), tmpDir: join(tmpDir) });
});
afterAll(async () => {
  await rm(tmpDir, { recursive: true, force: true });
});

/** per-run dirs the launcher left in tmpDir (should be none once a process has exited) */
const leftoverRunDirs = async () => (await readdir(tmpDir)).filter((d) => d.startsWith('tributary-run-'));

describe('ProcessLauncher where the operator has not allowed command connectors', () => {
  it('refuses to run a command runtime, as a config error naming the setting, and runs nothing', async () => {
    const marker = join(tmpDir, 'ran');
    const refusing = new ProcessLauncher({ installDir: join(tmpDir, 'install'), tmpDir, allowCommands: false });
    const result = await refusing.spec({ runtime: { kind: 'command', command: 'bash', args: ['-c', `touch ${marker}`, '--'] } });
    expect(result).toMatchObject({ ok: false, failure: { origin: 'source', type: 'config_error' } });
    expect(!result.ok && result.failure.message).toContain('TRIBUTARY_ALLOW_COMMAND_CONNECTORS');
    expect(existsSync(marker)).toBe(false);
    // the library's default is the CLI's: commands run
    const allowed = await new ProcessLauncher({ installDir: join(tmpDir, 'install'), tmpDir }).spec(fake('normal'));
    expect(allowed.ok).toBe(true);
  });
});

describe('ProcessLauncher with a command runtime', () => {
  it('returns the spec, skipping plain-text and invalid lines and logging them', async () => {
    const logs: LogEntry[] = [];
    const result = await launcher.spec(fake('normal'), { onLog: (e) => logs.push(e) });
    expect(result).toEqual({ ok: true, value: { connectionSpecification: expect.objectContaining({ type: 'object' }) } });
    const messages = logs.map((l) => l.message);
    expect(messages).toContain('starting up, not JSON');
    expect(messages.some((m) => m.startsWith('invalid protocol message'))).toBe(true);
    expect(messages).toContain('about to print the spec');
  });

  it('sends stderr lines to onLog with the connector role as origin', async () => {
    const logs: LogEntry[] = [];
    await launcher.spec(fake('normal'), { onLog: (e) => logs.push(e) });
    expect(logs).toContainEqual(expect.objectContaining({ origin: 'source', message: 'spec on stderr' }));

    const destLogs: LogEntry[] = [];
    await launcher.spec(fake('normal'), { role: 'destination', onLog: (e) => destLogs.push(e) });
    expect(destLogs).toContainEqual(expect.objectContaining({ origin: 'destination', message: 'spec on stderr' }));
    expect(destLogs.every((l) => l.origin === 'destination')).toBe(true);
  });

  it('check passes the config as a 0600 file in a 0700 dir that is gone afterwards', async () => {
    const logs: LogEntry[] = [];
    const result = await launcher.check(fake('normal'), { password: 'secret' }, { onLog: (e) => logs.push(e) });
    expect(result).toEqual({ ok: true, value: { status: 'SUCCEEDED' } });
    const seen = logs.map((l) => l.message).find((m) => m.startsWith('{"argv"'));
    expect(seen).toBeDefined();
    const { argv, configPath, mode, dirMode } = JSON.parse(seen ?? '{}') as {
      argv: string[];
      configPath: string;
      mode: string;
      dirMode: string;
    };
    expect(argv).toEqual(['check', '--config', configPath]);
    expect(configPath.startsWith(tmpDir)).toBe(true);
    expect(mode).toBe('600');
    expect(dirMode).toBe('700');
    expect(existsSync(configPath)).toBe(false);
    expect(await leftoverRunDirs()).toEqual([]);
  });

  it('check reports a FAILED connection status as a successful run', async () => {
    const result = await launcher.check(fake('normal'), { password: 'nope' });
    expect(result).toEqual({ ok: true, value: { status: 'FAILED', message: 'wrong password' } });
  });

  it('discover returns the catalog', async () => {
    const result = await launcher.discover(fake('normal'), {});
    expect(result.ok && result.value.streams.map((s) => s.name)).toEqual(['users']);
  });

  it('answers once the connector has printed its answer, without waiting for it to exit, and stops it', async () => {
    // each connector would stay 30 s after its answer (a Python one takes about half a second)
    const started = Date.now();
    const catalog = await launcher.discover(fake('normal'), { lingerMs: 30_000 });
    const status = await launcher.check(fake('normal'), { password: 'nope', lingerMs: 30_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(catalog.ok && catalog.value.streams.map((s) => s.name)).toEqual(['users']);
    expect(status).toEqual({ ok: true, value: { status: 'FAILED', message: 'wrong password' } });
    // stopped, not left behind: its run dir (with the config) went with it
    expect(await leftoverRunDirs()).toEqual([]);
  });

  it('kills a connector that ignores SIGTERM after its answer, a second later, and still answers', async () => {
    const started = Date.now();
    const catalog = await launcher.discover(fake('normal'), { lingerMs: 30_000, ignoreSigterm: true });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(catalog.ok && catalog.value.streams.map((s) => s.name)).toEqual(['users']);
    expect(await leftoverRunDirs()).toEqual([]);
  });

  it('turns a TRACE ERROR into a failure with its origin, type and message', async () => {
    const result = await launcher.check(fake('trace-error'), {}, { role: 'destination' });
    expect(result).toEqual({
      ok: false,
      failure: expect.objectContaining({
        origin: 'destination',
        type: 'config_error',
        message: 'bad credentials',
        // the connector's internal message, then what it logged before failing
        internalMessage: 'HTTP 401 from api\n\nlast log lines of the destination:\nGET /me answered 401 Unauthorized',
      }),
    });
  });

  it('reports a non-zero exit without a message as a system_error naming the exit code', async () => {
    const logs: LogEntry[] = [];
    const result = await launcher.discover(fake('silent-exit'), {}, { onLog: (e) => logs.push(e) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toMatchObject({ origin: 'source', type: 'system_error' });
    expect(result.failure.message).toContain('exited with code 3');
    expect(result.failure.internalMessage).toContain('some text before dying');
    // stderr too: a Python traceback is where the reason is
    expect(result.failure.internalMessage).toContain('Traceback: boom');
    expect(logs).toContainEqual(expect.objectContaining({ message: 'Traceback: boom' }));
  });

  it('kills a command that runs past its timeout and reports a failure', async () => {
    const started = Date.now();
    const result = await launcher.spec(fake('hang'), { timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toMatchObject({ origin: 'source', type: 'transient_error' });
    expect(result.failure.message).toContain('timed out after 500 ms');
    expect(await leftoverRunDirs()).toEqual([]);
  });

  it('read streams records and state, with the state file passed in, and cleans up', async () => {
    const logs: LogEntry[] = [];
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { cursor: 10 } } }];
    const proc = await launcher.read(
      fake('normal'),
      { config: { streams: [{ name: 'users', records: 12 }], stateEvery: 2 }, catalog: usersCatalog, state },
      { onLog: (e) => logs.push(e) },
    );
    const messages = await messagesOf(proc.stdout);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(messages.filter((m) => m.type === 'RECORD').map((m) => m.type === 'RECORD' && m.record.data['id'])).toEqual([11, 12]);
    expect(messages.at(-1)).toMatchObject({ type: 'STATE', state: { stream: { stream_state: { cursor: 12 } } } });
    expect(logs).toContainEqual(expect.objectContaining({ origin: 'source', message: 'read done' }));
    expect(await leftoverRunDirs()).toEqual([]);
  });

  it('write takes messages on stdin and logs stderr as the destination', async () => {
    const logs: LogEntry[] = [];
    const proc = await launcher.write(fake('normal'), { config: {}, catalog: usersCatalog }, { onLog: (e) => logs.push(e) });
    const out = messagesOf(proc.stdout);
    proc.stdin.write(JSON.stringify({ type: 'RECORD', record: { stream: 'users', data: { id: 1 }, emitted_at: 1 } }) + '\n');
    proc.stdin.end(
      JSON.stringify({
        type: 'STATE',
        state: { type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { cursor: 1 } } },
      }) + '\n',
    );
    expect((await out).map((m) => m.type)).toEqual(['STATE']);
    expect((await proc.exited).code).toBe(0);
    expect(logs).toContainEqual({ timestamp: expect.any(Number), level: 'info', origin: 'destination', message: 'wrote 1 records' });
  });

  it('read throws ConnectorLaunchError when the executable does not exist', async () => {
    for (const command of ['/nonexistent/source-nothing', 'tributary-no-such-command-on-path', fakeConnector + '.missing']) {
      const attempt = launcher.read({ runtime: { kind: 'command', command } }, { config: {}, catalog: usersCatalog });
      await expect(attempt).rejects.toBeInstanceOf(ConnectorLaunchError);
      await expect(attempt).rejects.toMatchObject({
        failure: { origin: 'source', type: 'system_error', message: expect.stringContaining(command) },
      });
    }
    const write = launcher.write(
      { runtime: { kind: 'command', command: '/nonexistent/destination-nothing' } },
      { config: {}, catalog: usersCatalog },
    );
    await expect(write).rejects.toMatchObject({ failure: { origin: 'destination' } });
    expect(await leftoverRunDirs()).toEqual([]);
  });

  it('finds a bare command on PATH and runs an executable script directly', async () => {
    expect((await launcher.spec({ runtime: { kind: 'command', command: 'node', args: [fakeConnector, 'normal'] } })).ok).toBe(true);
    expect((await launcher.spec({ runtime: { kind: 'command', command: fakeConnector, args: ['normal'] } })).ok).toBe(true);
  });

  it('spec with a missing executable is a failure result, not a throw', async () => {
    const result = await launcher.spec({ runtime: { kind: 'command', command: '/nonexistent/source-nothing' } });
    expect(result).toMatchObject({
      ok: false,
      failure: { origin: 'source', type: 'system_error', message: expect.stringContaining('/nonexistent/source-nothing') },
    });
  });

  it('an unknown builtin is a launch failure', async () => {
    const result = await launcher.spec({ runtime: { kind: 'builtin', name: 'source-nope' } });
    expect(result).toMatchObject({ ok: false, failure: { message: expect.stringContaining('unknown builtin connector "source-nope"') } });
  });

  it('removes the run dir (and the config in it) when the connector cannot be spawned after its files are written', async () => {
    // an environment value with a NUL byte makes spawn throw once config.json is on disk
    const unspawnable: ConnectorDefinition = { ...fake('normal'), env: { BROKEN: 'a\0b' } };
    await expect(launcher.read(unspawnable, { config: { password: 'secret' }, catalog: usersCatalog })).rejects.toThrow();
    const checked = await launcher.check(unspawnable, { password: 'secret' }).catch((error: unknown) => error);
    expect(checked).toBeDefined();
    expect(await leftoverRunDirs()).toEqual([]);
  });
});

describe('ProcessLauncher CPU priority', () => {
  // once its stdin has a line (the launcher has set its priority by then), prints its nice value
  // and its session's (/proc/self/autogroup, where the kernel has autogroups)
  const reporter: ConnectorDefinition = {
    runtime: {
      kind: 'command',
      command: 'bash',
      args: [
        '-c',
        'read -r _; echo "nice=$(cut -d" " -f19 /proc/self/stat) session=$(sed "s/.* nice //" /proc/self/autogroup 2>/dev/null || echo none)" >&2',
        '--',
      ],
    },
  };
  const hasAutogroups = existsSync('/proc/self/autogroup');

  async function priorityOf(
    start: (onLog: (e: LogEntry) => void) => Promise<ConnectorProcess>,
  ): Promise<{ nice: number; session?: number }> {
    const logs: LogEntry[] = [];
    const proc = await start((e) => logs.push(e));
    proc.stdin.end('go\n');
    expect((await proc.exited).code).toBe(0);
    const line = logs.map((l) => l.message).find((m) => m.startsWith('nice='));
    const match = /^nice=(\d+) session=(\d+|none)$/.exec(line ?? '');
    expect(match, `what the connector printed: ${JSON.stringify(logs)}`).not.toBeNull();
    return { nice: Number(match![1]), ...(match![2] === 'none' ? {} : { session: Number(match![2]) }) };
  }

  it("runs a destination's write at a lower priority, its session's too, and a source at the worker's", async () => {
    const input = { config: {}, catalog: usersCatalog };
    const destination = await priorityOf((onLog) => launcher.write(reporter, input, { onLog }));
    expect(destination).toEqual({ nice: DEFAULT_DESTINATION_NICE, ...(hasAutogroups ? { session: DEFAULT_DESTINATION_NICE } : {}) });
    const source = await priorityOf((onLog) => launcher.read(reporter, input, { onLog }));
    expect(source).toEqual({ nice: 0, ...(hasAutogroups ? { session: 0 } : {}) });
  });

  it("takes destinationNice, and 0 leaves the destination at the worker's priority", async () => {
    const input = { config: {}, catalog: usersCatalog };
    for (const nice of [5, 0]) {
      const custom = new ProcessLauncher({ installDir: join(tmpDir, 'install'), tmpDir, destinationNice: nice });
      expect(await priorityOf((onLog) => custom.write(reporter, input, { onLog }))).toEqual({
        nice,
        ...(hasAutogroups ? { session: nice } : {}),
      });
    }
  });
});

describe('sweepStaleRunDirs', () => {
  it("removes run dirs of processes that are gone (and this process's own, as at start-up), and keeps those of live ones", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'launcher-sweep-'));
    try {
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      const names = {
        dead: `${RUN_DIR_PREFIX}${dead}-aaaaaa`,
        own: `${RUN_DIR_PREFIX}${process.pid}-bbbbbb`,
        live: `${RUN_DIR_PREFIX}${process.ppid}-cccccc`,
        legacy: 'tributary-run-dddddd',
        other: 'not-ours',
      };
      for (const name of Object.values(names)) {
        await mkdir(join(dir, name));
        await writeFile(join(dir, name, 'config.json'), '{"password":"secret"}');
      }
      const removed = await sweepStaleRunDirs(dir);
      expect(removed.sort()).toEqual([names.dead, names.legacy, names.own].sort());
      expect((await readdir(dir)).sort()).toEqual([names.live, names.other].sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
