// PythonForkServer with a real PyPI connector (airbyte-source-faker, installed in the tests'
// per-user cache by pypi-runtime.test.ts's beforeAll when missing: this one installs it too).
import type { LogEntry } from '@tributary/domain';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirbyteStream, ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { connectorInstallDir, messagesOf, pausingReader } from '@tributary/testing';
import { ProcessLauncher } from './process-launcher.js';
import { pypiInstallDir } from './pypi-runtime.js';
import { PythonForkServer, readConsoleScript } from './python-fork-server.js';
import type { ConnectorDefinition } from './types.js';

const INSTALL_TIMEOUT_MS = 15 * 60_000;

// this file's connector runs carry a tag in their environment: other test files run fork servers of their own
const tag = `fork-server-test-${randomBytes(4).toString('hex')}`;
const faker: ConnectorDefinition = {
  runtime: { kind: 'pypi', package: 'airbyte-source-faker', version: '7.2.1' },
  env: { TRIBUTARY_TEST_TAG: tag },
};

/** This file's fork server (a tagged faker process whose parent is not one) and the processes forked from it. */
async function forkServerOf(): Promise<{ server: number | undefined; children: number[] }> {
  const all = await taggedFakerProcesses();
  const servers = [...all].filter(([, parent]) => !all.has(parent)).map(([pid]) => pid);
  expect(servers.length, `more than one server: ${JSON.stringify([...all])}`).toBeLessThanOrEqual(1);
  const server = servers[0];
  return { server, children: [...all].filter(([, parent]) => server !== undefined && parent === server).map(([pid]) => pid) };
}

/** pid -> parent pid of this file's faker processes run through a fork server (forked children keep its command line) */
async function taggedFakerProcesses(): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!(await readFile(`/proc/${entry}/cmdline`, 'utf8')).includes('source_faker.run')) continue;
      if (!(await readFile(`/proc/${entry}/environ`, 'utf8')).split('\0').includes(`TRIBUTARY_TEST_TAG=${tag}`)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      found.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('readConsoleScript', () => {
  it('takes the interpreter and entry point of a script as pip writes it, and nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'console-script-'));
    try {
      const pip = join(dir, 'source-x');
      await writeFile(
        pip,
        "#!/venv/bin/python3.11\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom source_x.run import run\nif __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(run())\n",
      );
      expect(await readConsoleScript(pip)).toEqual({ path: pip, python: '/venv/bin/python3.11', module: 'source_x.run', attr: 'run' });
      const shell = join(dir, 'wrapper');
      await writeFile(shell, '#!/bin/sh\nexec python -m source_x "$@"\n');
      expect(await readConsoleScript(shell)).toBeUndefined();
      const other = join(dir, 'other');
      await writeFile(other, '#!/venv/bin/python\nfrom source_x.run import run\nsys.exit(main())\n');
      expect(await readConsoleScript(other)).toBeUndefined();
      expect(await readConsoleScript(join(dir, 'missing'))).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('PythonForkServer with a console script of our own', () => {
  const nobody = { uid: 65534, gid: 65534 };
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fork-fixture-'));
    await chmod(dir, 0o755);
    await writeFile(
      join(dir, 'fork_fixture.py'),
      'import json, os, sys\n' +
        'def main():\n' +
        '    got = sys.stdin.read()\n' +
        '    print(json.dumps({"uid": os.getuid(), "home": os.environ.get("HOME"), "argv": sys.argv, "cwd": os.getcwd(), "stdin": got}))\n' +
        '    print("to stderr", file=sys.stderr)\n' +
        '    return 3\n',
    );
    await writeFile(
      join(dir, 'fork-fixture'),
      '#!/usr/bin/python3\nimport sys\nfrom fork_fixture import main\nif __name__ == "__main__":\n    sys.exit(main())\n',
    );
    // its session, its nice value and its session's (where the kernel has autogroups)
    await writeFile(
      join(dir, 'priority_fixture.py'),
      'import json, os\n' +
        'def main():\n' +
        '    try:\n' +
        '        session = int(open("/proc/self/autogroup").read().split()[-1])\n' +
        '    except OSError:\n' +
        '        session = None\n' +
        '    print(json.dumps({"pid": os.getpid(), "sid": os.getsid(0), "nice": os.getpriority(os.PRIO_PROCESS, 0), "session": session}))\n' +
        '    return 0\n',
    );
    await writeFile(
      join(dir, 'priority-fixture'),
      '#!/usr/bin/python3\nimport sys\nfrom priority_fixture import main\nif __name__ == "__main__":\n    sys.exit(main())\n',
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("runs as the connectors' user: its own argv, cwd, HOME, stdin, stdout, stderr and exit status per command", async () => {
    expect(process.getuid?.(), 'this test needs a root test run').toBe(0);
    const script = await readConsoleScript(join(dir, 'fork-fixture'));
    expect(script).toEqual({ path: join(dir, 'fork-fixture'), python: '/usr/bin/python3', module: 'fork_fixture', attr: 'main' });
    const server = await PythonForkServer.start(script!, { env: { PYTHONPATH: dir }, user: nobody });
    expect(server).toBeDefined();
    try {
      const runs = await Promise.all(
        ['first', 'second'].map(async (word) => {
          const runDir = await mkdtemp(join(tmpdir(), 'fork-run-'));
          await chown(runDir, nobody.uid, nobody.gid);
          const logs: LogEntry[] = [];
          const proc = await server!.run({ args: ['read', word], runDir, role: 'destination', onLog: (e) => logs.push(e) });
          proc.stdin.end(`input for ${word}`);
          let out = '';
          proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
          return { word, runDir, exit: await proc.exited, out, logs };
        }),
      );
      for (const { word, runDir, exit, out, logs } of runs) {
        expect(exit).toEqual({ code: 3, signal: null });
        expect(JSON.parse(out)).toEqual({
          uid: 65534,
          home: runDir,
          argv: [join(dir, 'fork-fixture'), 'read', word],
          cwd: runDir,
          stdin: `input for ${word}`,
        });
        expect(logs.map((l) => [l.origin, l.message])).toEqual([['destination', 'to stderr']]);
        expect(existsSync(runDir)).toBe(false);
      }
    } finally {
      server!.stop();
    }
  });

  it('forks each command into a session of its own, at the lower priority asked for', async () => {
    const server = await PythonForkServer.start((await readConsoleScript(join(dir, 'priority-fixture')))!, { env: { PYTHONPATH: dir } });
    expect(server).toBeDefined();
    try {
      const reports = await Promise.all(
        [10, 0].map(async (nice) => {
          const runDir = await mkdtemp(join(tmpdir(), 'fork-run-'));
          const proc = await server!.run({ args: [], runDir, role: nice ? 'destination' : 'source', nice });
          proc.stdin.end();
          let out = '';
          proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
          expect(await proc.exited).toEqual({ code: 0, signal: null });
          return { nice, report: JSON.parse(out) as { pid: number; sid: number; nice: number; session: number | null } };
        }),
      );
      const hasAutogroups = existsSync('/proc/self/autogroup');
      for (const { nice, report } of reports) {
        // a session of its own: with autogroups, one scheduling group per connector, as a spawned one has
        expect(report.sid).toBe(report.pid);
        expect(report.nice).toBe(nice);
        expect(report.session).toBe(hasAutogroups ? nice : null);
      }
    } finally {
      server!.stop();
    }
  });

  it('ends a command it cannot fork with exit 1 and says why, and serves the next one', async () => {
    const server = await PythonForkServer.start((await readConsoleScript(join(dir, 'fork-fixture')))!, { env: { PYTHONPATH: dir } });
    expect(server).toBeDefined();
    try {
      // something already at out.sock: the server cannot listen there for the command's stdout
      const blocked = await mkdtemp(join(tmpdir(), 'fork-run-'));
      await writeFile(join(blocked, 'out.sock'), '');
      const logs: LogEntry[] = [];
      const proc = await server!.run({ args: ['read'], runDir: blocked, role: 'source', onLog: (e) => logs.push(e) });
      expect(await proc.exited).toEqual({ code: 1, signal: null });
      expect(logs.map((l) => [l.origin, l.message])).toEqual([
        ['platform', expect.stringMatching(/^the fork server cannot listen on out\.sock for its stdout: .*Address already in use/)],
      ]);
      expect(existsSync(blocked)).toBe(false);

      const runDir = await mkdtemp(join(tmpdir(), 'fork-run-'));
      const next = await server!.run({ args: ['read', 'next'], runDir, role: 'source' });
      next.stdin.end('');
      let out = '';
      next.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      expect(await next.exited).toEqual({ code: 3, signal: null });
      expect(JSON.parse(out)).toMatchObject({ argv: [join(dir, 'fork-fixture'), 'read', 'next'] });
    } finally {
      server!.stop();
    }
  });

  it('is not started for a module that fails to import: the reason is logged', async () => {
    const logs: LogEntry[] = [];
    const server = await PythonForkServer.start(
      { path: join(dir, 'fork-fixture'), python: '/usr/bin/python3', module: 'no_such_module', attr: 'main' },
      { onLog: (e) => logs.push(e) },
    );
    expect(server).toBeUndefined();
    expect(logs.map((l) => l.message).join('\n')).toContain(
      "importing no_such_module.main failed: ModuleNotFoundError: No module named 'no_such_module'",
    );
  });
});

describe('PyPI connectors through a fork server (airbyte-source-faker)', () => {
  const launcher = new ProcessLauncher({ installDir: connectorInstallDir(), forkServerIdleMs: 2_000 });
  let users: AirbyteStream;
  const catalog = (): ConfiguredAirbyteCatalog => ({
    streams: [{ stream: users, sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
  });

  beforeAll(async () => {
    const result = await launcher.discover(faker, { count: 100 }, { timeoutMs: INSTALL_TIMEOUT_MS });
    expect(result.ok).toBe(true);
    if (result.ok) users = result.value.streams.find((s) => s.name === 'users')!;
  }, INSTALL_TIMEOUT_MS);
  afterAll(() => launcher.close());

  it('forks discover and read from one warm interpreter, each with its own argv, files and output', async () => {
    // a read whose output is not taken yet stays alive: its process and its parent can be looked at
    const read = await launcher.read(faker, { config: { count: 300, seed: 7 }, catalog: catalog() });
    const discovered = await launcher.discover(faker, { count: 5 });
    expect(discovered.ok && discovered.value.streams.map((s) => s.name).sort()).toEqual(['products', 'purchases', 'users']);
    // forked children keep the server's command line: the read is one of its children
    const { server, children } = await forkServerOf();
    expect(server).toBeDefined();
    expect(children.length).toBeGreaterThanOrEqual(1);
    const messages = await messagesOf(read.stdout);
    expect(await read.exited).toEqual({ code: 0, signal: null });
    expect(messages.filter((m) => m.type === 'RECORD')).toHaveLength(300);
  });

  it("reads a forked read's output into a StdoutReader's own buffers, pausing and resuming, all of it before `exited`", async () => {
    let resume = () => {};
    const { reader, state } = pausingReader(() => resume(), 16 * 1024);
    const proc = await launcher.read(faker, { config: { count: 3000, seed: 11 }, catalog: catalog() }, { stdoutReader: reader });
    resume = () => proc.stdout.resume();
    expect(proc.stdoutReaderAttached).toBe(true);
    expect((await forkServerOf()).server).toBeDefined();
    let dataEvents = 0;
    proc.stdout.on('data', () => dataEvents++);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    const lines = Buffer.concat(state.seen).toString('utf8').split('\n').filter(Boolean);
    const records = lines
      .map((l) => JSON.parse(l) as { type: string; record?: { data: { id: number } } })
      .filter((m) => m.type === 'RECORD');
    expect(records.map((r) => r.record!.data.id)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(state.pauses).toBeGreaterThan(0);
    expect(dataEvents).toBe(0);
  });

  it('reports a failing command as it ends: its exit code and its error', async () => {
    const proc = await launcher.read(faker, { config: { count: 'abc' }, catalog: catalog() });
    const messages = await messagesOf(proc.stdout);
    expect(await proc.exited).toEqual({ code: 1, signal: null });
    const error = messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    expect(error?.type === 'TRACE' && error.trace.error).toMatchObject({
      failure_type: 'config_error',
      message: expect.stringContaining("'abc'"),
    });
  });

  it("passes the connector's stderr on as its log lines, and its exit code", async () => {
    const script = await readConsoleScript(
      join(pypiInstallDir(connectorInstallDir(), { package: 'airbyte-source-faker', version: '7.2.1' }), 'bin', 'source-faker'),
    );
    expect(script).toMatchObject({ module: 'source_faker.run', attr: 'run' });
    const server = await PythonForkServer.start(script!);
    expect(server).toBeDefined();
    try {
      const runDir = await mkdtemp(join(tmpdir(), 'fork-run-'));
      const logs: LogEntry[] = [];
      // argparse answers an unknown command with its usage on stderr and exit code 2
      const proc = await server!.run({ args: ['no-such-command'], runDir, role: 'source', onLog: (e) => logs.push(e) });
      proc.stdout.resume();
      expect(await proc.exited).toEqual({ code: 2, signal: null });
      expect(logs.map((l) => l.message).join('\n')).toMatch(/usage:[\s\S]*invalid choice: 'no-such-command'/);
      expect(logs.every((l) => l.origin === 'source')).toBe(true);
      expect(existsSync(runDir), 'the run dir is removed').toBe(false);
    } finally {
      server!.stop();
    }
  });

  it('kills a command through its own process group, and the server goes on serving', async () => {
    const proc = await launcher.read(faker, { config: { count: 1_000_000, seed: 1 }, catalog: catalog() });
    proc.stdout.resume();
    const exit = await proc.kill(1_000);
    expect(exit.code === 0).toBe(false);
    const again = await launcher.check(faker, { count: 10 });
    expect(again).toEqual({ ok: true, value: expect.objectContaining({ status: 'SUCCEEDED' }) });
  });

  it('ends the runs of a server that dies, and starts a new server for the next command', async () => {
    const proc = await launcher.read(faker, { config: { count: 1_000_000, seed: 2 }, catalog: catalog() });
    const { server } = await forkServerOf();
    expect(server).toBeDefined();
    process.kill(server!, 'SIGKILL');
    proc.stdout.resume();
    const exit = await proc.exited;
    expect(exit.code === 0).toBe(false);
    const again = await launcher.check(faker, { count: 10 });
    expect(again).toEqual({ ok: true, value: expect.objectContaining({ status: 'SUCCEEDED' }) });
  });

  it('stops an idle server after forkServerIdleMs', async () => {
    expect((await launcher.check(faker, { count: 10 })).ok).toBe(true);
    const serverAlive = async () => (await forkServerOf()).server !== undefined;
    expect(await serverAlive()).toBe(true);
    const deadline = Date.now() + 15_000;
    while ((await serverAlive()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await serverAlive()).toBe(false);
  });

  it('runs each command in its own interpreter with forkServerIdleMs 0', async () => {
    launcher.close();
    const deadline = Date.now() + 15_000;
    while ((await forkServerOf()).server !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const plain = new ProcessLauncher({ installDir: connectorInstallDir(), forkServerIdleMs: 0 });
    const read = await plain.read(faker, { config: { count: 50, seed: 7 }, catalog: catalog() });
    expect((await forkServerOf()).server).toBeUndefined();
    const messages = await messagesOf(read.stdout);
    expect(await read.exited).toEqual({ code: 0, signal: null });
    expect(messages.filter((m) => m.type === 'RECORD')).toHaveLength(50);
  });
});
