// The replication pod's data path without Kubernetes: the init container's files and pipes
// (preparePod), the connector containers' own scripts run by sh with real first-party
// connectors (compiled: `npx tsc -b libs/connectors`), and the orchestrator's engine between
// them. What it reports is recorded in memory here; the Config API side is proven in
// tools/e2e/kubernetes-sync.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorRole, LogEntry } from '@tributary/domain';
import { builtinEntrypoint, resolveBuiltinConnector, type BuiltinConnectorName } from '@tributary/connectors';
import { connectorContainerScript } from '@tributary/launcher';
import type { ReplicationPodInput, ReplicationProgress, ReplicationState, ReplicationTotals } from '@tributary/replication';
import type { AttemptOutcome } from '@tributary/workflows';
import { configuredCatalog } from '@tributary/testing/connectors';
import { fakeConnector } from '@tributary/testing/replication';
import { fixturePath } from '@tributary/testing';
import { AttemptReporter, type RunnerApi } from './attempt-reporter.js';
import { preparePod } from './prepare.js';
import { runAttempt } from './run-attempt.js';

const built = ['source-sample', 'destination-jsonl'].every((name) => existsSync(builtinEntrypoint(name)!));

class RecordedApi implements RunnerApi {
  progressReports: ReplicationProgress[] = [];
  states: { state: ReplicationState; totals: ReplicationTotals }[] = [];
  lines: LogEntry[] = [];
  outcomes: AttemptOutcome[] = [];
  failStates = 0;
  progress = async (p: ReplicationProgress) => void this.progressReports.push(p);
  state = async (state: ReplicationState, totals: ReplicationTotals) => {
    if (this.failStates > 0) {
      this.failStates--;
      throw new Error('503 the database restarts');
    }
    this.states.push({ state, totals });
  };
  logs = async (entries: LogEntry[]) => void this.lines.push(...entries);
  configUpdate = async () => undefined;
  outcome = async (o: AttemptOutcome) => void this.outcomes.push(o);
}

function entrypointOf(name: BuiltinConnectorName): string {
  const resolved = resolveBuiltinConnector(name)!;
  return [resolved.command, ...resolved.args].join(' ');
}

describe.skipIf(!built)('a replication pod, its containers played by local processes', () => {
  let dir: string;
  let shared: string;
  let out: string;
  const containers: ChildProcess[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchestrator-test-'));
    shared = join(dir, 'shared');
    out = join(dir, 'out');
  });
  afterEach(async () => {
    for (const c of containers.splice(0)) c.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  const inputOf = (sourceConfig: Record<string, unknown>, extra: Partial<ReplicationPodInput> = {}): ReplicationPodInput => ({
    attempt: { connectionId: 'c1', jobId: '7', attemptNumber: 1 },
    apiUrl: 'http://unused',
    destinationOnly: false,
    source: { definition: { runtime: { kind: 'builtin', name: 'source-sample' } }, config: sourceConfig },
    destination: { definition: { runtime: { kind: 'builtin', name: 'destination-jsonl' } }, config: { destination_path: out } },
    catalog: configuredCatalog(['users'], { syncMode: 'incremental' }),
    secretValues: ['s3cr3t-value'],
    ...extra,
  });

  /** a connector container: a built-in connector, or any entrypoint */
  const startContainer = (role: ConnectorRole, name: BuiltinConnectorName | { entrypoint: string }, withState: boolean) => {
    const child = spawn('sh', ['-c', connectorContainerScript(role, { withState, sharedDir: shared })], {
      env: { ...process.env, AIRBYTE_ENTRYPOINT: typeof name === 'string' ? entrypointOf(name) : name.entrypoint },
      stdio: 'ignore',
    });
    containers.push(child);
    return new Promise<number | null>((resolve) => child.once('exit', resolve));
  };

  it('moves the records through the pipes, reports every committed state, progress, masked logs and the outcome', async () => {
    const input = inputOf({ count: 3000, streams: ['users'], records_per_state: 1000 });
    await preparePod(input, shared);
    expect((await readdir(join(shared, 'source'))).sort()).toEqual(['catalog.json', 'config.json', 'stderr', 'stdout']);
    const exits = [startContainer('source', 'source-sample', false), startContainer('destination', 'destination-jsonl', false)];
    const api = new RecordedApi();
    const reporter = new AttemptReporter(api, { secretValues: input.secretValues, progressIntervalMs: 0, logFlushIntervalMs: 10 });
    reporter.log({ timestamp: Date.now(), level: 'info', origin: 'source', message: 'token s3cr3t-value in a line' });
    const outcome = await runAttempt(input, shared, reporter, new AbortController().signal);
    await reporter.finish(outcome);

    expect(outcome).toMatchObject({ status: 'succeeded', failures: [], recordsCommitted: 3000 });
    expect(await Promise.all(exits)).toEqual([0, 0]);
    const written = (await readFile(join(out, 'users.jsonl'), 'utf8')).trim().split('\n');
    expect(written).toHaveLength(3000);
    expect(api.states.map((s) => s.totals.recordsCommitted)).toEqual([1000, 2000, 3000]);
    expect(api.progressReports.at(-1)).toMatchObject({ done: true, recordsCommitted: 3000 });
    expect(api.outcomes).toEqual([outcome]);
    const text = api.lines.map((l) => l.message).join('\n');
    expect(text).toContain('token ****');
    expect(text).not.toContain('s3cr3t-value');
    expect(text).toMatch(/pace: the source waited/);
  });

  it('with a spill file, lets the source run ahead of a slow destination and delivers every record', async () => {
    const outFile = join(dir, 'slow-out.jsonl');
    const input = inputOf(
      { count: 100_000, streams: ['users'], records_per_state: 10_000 },
      {
        // the fake destination waits 2 ms after each read
        destination: { definition: fakeConnector, config: { outFile, slowMs: 2 } },
        options: { spillMaxBytes: 64 * 1024 * 1024 },
      },
    );
    await preparePod(input, shared);
    const exits = [
      startContainer('source', 'source-sample', false),
      startContainer('destination', { entrypoint: `${process.execPath} ${fixturePath('fake-connector.mjs')}` }, false),
    ];
    const api = new RecordedApi();
    const reporter = new AttemptReporter(api, { secretValues: [] });
    const outcome = await runAttempt(input, shared, reporter, new AbortController().signal);
    await reporter.finish(outcome);
    expect(outcome).toMatchObject({ status: 'succeeded', recordsCommitted: 100_000 });
    expect(await Promise.all(exits)).toEqual([0, 0]);
    const ids = (await readFile(outFile, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { record: { data: { id: number } } }).record.data.id);
    expect(ids).toHaveLength(100_000);
    expect(new Set(ids).size).toBe(100_000);
    const pace = api.lines.find((l) => l.message.startsWith('pace:'))!.message;
    expect(pace).toMatch(/waited in the spill file/);
    // beside the pipes, nothing named is left in the emptyDir
    expect((await readdir(shared)).filter((f) => f.startsWith('tributary-spill-'))).toEqual([]);
  });

  it('gives the source its state file and resumes from it', async () => {
    const state: ReplicationState = [
      { type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { offset: 2500 } } },
    ];
    const input = inputOf({ count: 3000, streams: ['users'], records_per_state: 1000 }, { state });
    await preparePod(input, shared);
    const exits = [startContainer('source', 'source-sample', true), startContainer('destination', 'destination-jsonl', false)];
    const api = new RecordedApi();
    const outcome = await runAttempt(input, shared, new AttemptReporter(api, { secretValues: [] }), new AbortController().signal);
    expect(outcome).toMatchObject({ status: 'succeeded', recordsCommitted: 500 });
    expect(await Promise.all(exits)).toEqual([0, 0]);
  });

  it('fails the attempt with the source\'s own error and exit status', async () => {
    const input = inputOf({ count: 3000, streams: ['users'], records_per_state: 100, fail_after: 1500 });
    await preparePod(input, shared);
    const exits = [startContainer('source', 'source-sample', false), startContainer('destination', 'destination-jsonl', false)];
    const api = new RecordedApi();
    const outcome = await runAttempt(input, shared, new AttemptReporter(api, { secretValues: [] }), new AbortController().signal);
    expect(outcome.status).toBe('failed');
    expect(outcome.failures[0]).toMatchObject({ origin: 'source' });
    expect(outcome.failures[0]!.message).toContain('failing on purpose');
    expect(outcome.recordsCommitted).toBe(1500);
    expect((await Promise.all(exits))[0]).not.toBe(0);
  });

  it('waits out a state the API refused twice (a database restart) and acknowledges nothing early', async () => {
    const input = inputOf({ count: 2000, streams: ['users'], records_per_state: 1000 });
    await preparePod(input, shared);
    const exits = [startContainer('source', 'source-sample', false), startContainer('destination', 'destination-jsonl', false)];
    const api = new RecordedApi();
    api.failStates = 2;
    const reporter = new AttemptReporter(api, { secretValues: [], retry: { retries: 3, minTimeout: 10, maxTimeout: 20 }, warn: () => undefined });
    const outcome = await runAttempt(input, shared, reporter, new AbortController().signal);
    expect(outcome).toMatchObject({ status: 'succeeded', recordsCommitted: 2000 });
    expect(api.states.map((s) => s.totals.recordsCommitted)).toEqual([1000, 2000]);
    await Promise.all(exits);
  });

  it('stops both connectors on a cancel and reports it as cancelled', async () => {
    const input = inputOf({ count: 1_000_000, streams: ['users'], records_per_state: 100, records_per_batch: 100, sleep_ms_per_batch: 20 });
    await preparePod(input, shared);
    const exits = [startContainer('source', 'source-sample', false), startContainer('destination', 'destination-jsonl', false)];
    const api = new RecordedApi();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 1500);
    const started = Date.now();
    const outcome = await runAttempt(input, shared, new AttemptReporter(api, { secretValues: [] }), stop.signal);
    expect(outcome.status).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(15_000);
    await Promise.all(exits);
  });
});
