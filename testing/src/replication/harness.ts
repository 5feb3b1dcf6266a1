/** Helpers for tests that run replicate() against the fake connector (testing/fixtures/fake-connector.mjs). */
import type { LogEntry, StreamFieldSelection } from '@tributary/domain';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { ProcessLauncher, type ConnectorDefinition } from '@tributary/launcher';
import { expect } from 'vitest';
import { DEFAULT_MAX_BURST_BYTES, replicate, type ReplicationOptions } from '@tributary/replication';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type {
  BackpressureStats,
  DestinationNaming,
  ReplicateInput,
  ReplicationProgress,
  ReplicationResult,
  ReplicationState,
  ReplicationTotals,
} from '@tributary/replication';
import { fixturePath, repoRoot } from '../paths.js';

export { pythonDumps } from '../../fixtures/fake-connector/python-json.mjs';

/** testing/fixtures/fake-connector.mjs: the source and the destination, each scripted by its config. */
export const fakeConnector: ConnectorDefinition = {
  runtime: { kind: 'command', command: process.execPath, args: [fixturePath('fake-connector.mjs')] },
};

export interface StreamSpec {
  name: string;
  namespace?: string;
}

export function catalogOf(...streams: StreamSpec[]): ConfiguredAirbyteCatalog {
  return {
    streams: streams.map((s) => ({
      stream: {
        name: s.name,
        ...(s.namespace ? { namespace: s.namespace } : {}),
        json_schema: { type: 'object', properties: { id: { type: 'integer' } } },
        supported_sync_modes: ['full_refresh', 'incremental'],
      },
      sync_mode: 'incremental',
      cursor_field: ['id'],
      destination_sync_mode: 'append',
    })),
  };
}

export interface Run {
  result: ReplicationResult;
  logs: LogEntry[];
  progress: ReplicationProgress[];
  commits: { state: ReplicationState; stats: ReplicationTotals }[];
}

export class Workspace {
  private constructor(readonly dir: string) {}

  static async create(): Promise<Workspace> {
    return new Workspace(await mkdtemp(join(tmpdir(), 'replication-test-')));
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  readonly launcher = new ProcessLauncher({ installDir: join(tmpdir(), 'replication-test-install') });

  async run(
    sourceConfig: Record<string, unknown>,
    destinationConfig: Record<string, unknown>,
    catalog: ConfiguredAirbyteCatalog,
    extra: Partial<ReplicateInput> = {},
  ): Promise<Run> {
    const logs: LogEntry[] = [];
    const progress: ReplicationProgress[] = [];
    const commits: Run['commits'] = [];
    const result = await replicate({
      launcher: this.launcher,
      source: { definition: fakeConnector, config: sourceConfig },
      destination: { definition: fakeConnector, config: destinationConfig },
      catalog,
      onLog: (e) => logs.push(e),
      onProgress: (p) => progress.push(p),
      onStateCommitted: (state, stats) => {
        commits.push({ state, stats });
      },
      ...extra,
    });
    return { result, logs, progress, commits };
  }

  /** Raw lines the fake destination stored. */
  async outLines(name = 'out.jsonl'): Promise<string[]> {
    const file = this.path(name);
    if (!existsSync(file)) return [];
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  }

  async outRecords(name = 'out.jsonl'): Promise<{ stream: string; namespace?: string; data: { id: number } }[]> {
    return (await this.outLines(name)).map(
      (l) => (JSON.parse(l) as { record: { stream: string; namespace?: string; data: { id: number } } }).record,
    );
  }

  pids(name: string): number[] {
    return JSON.parse(readFileSync(this.path(name), 'utf8')) as number[];
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

export { isAlive } from '../processes.js';

export function cursorOf(state: ReplicationState | undefined, name: string): unknown {
  const s = state?.find((m) => m.type === 'STREAM' && m.stream?.stream_descriptor.name === name);
  return (s?.stream?.stream_state as { cursor?: unknown } | undefined)?.cursor;
}

/** What engine-child.ts runs: the fake connectors' configs, the streams, and replicate() options. */
export interface EngineChildSpec {
  source: Record<string, unknown>;
  destination: Record<string, unknown>;
  streams: StreamSpec[];
  destinationNaming?: DestinationNaming;
  fieldSelection?: StreamFieldSelection[];
  /** the queue's limits (maxQueuedBytes, maxBurstBytes) and spill file; the engine's defaults otherwise */
  options?: Pick<ReplicationOptions, 'maxQueuedBytes' | 'maxBurstBytes' | 'spillDir' | 'spillMaxBytes'>;
}

export interface EngineChildReport {
  status: string;
  totals: ReplicationTotals;
  backpressure: BackpressureStats;
  /** RSS growth while it ran */
  rssGrowth: number;
  /** growth of heap + buffers right after a full GC */
  liveGrowth: number;
}

/** Runs replicate() in a process of its own (engine-child.ts), so memory figures are the engine's alone. */
export async function runEngineChild(spec: EngineChildSpec): Promise<EngineChildReport> {
  const child = join(repoRoot, 'testing/src/replication/engine-child.ts');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--conditions=@tributary/source', '--import', 'tsx', child, JSON.stringify(spec)],
    { cwd: repoRoot },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as EngineChildReport;
}

/**
 * A run through a destination much slower than its source: the engine paused the source
 * instead of buffering (at most `queueSlackBytes` over the queue's limit, with what it may
 * borrow: `maxBurstBytes`), so the source was held back by its pipe (its stats file counts
 * the writes that blocked), and live memory grew by the queue's buffers at most (RSS may
 * carry up to V8's external-memory GC threshold of garbage buffers besides).
 */
export function expectSourceHeldBack(
  report: EngineChildReport,
  sourceStatsFile: string,
  queueSlackBytes: number,
  maxBurstBytes = DEFAULT_MAX_BURST_BYTES,
): void {
  expect(report.backpressure.sourcePauses).toBeGreaterThan(3);
  expect(report.backpressure.maxQueuedBytes).toBeLessThan(maxBurstBytes + queueSlackBytes);
  const sourceStats = JSON.parse(readFileSync(sourceStatsFile, 'utf8')) as { blocked: number };
  expect(sourceStats.blocked).toBeGreaterThan(10);
  // the read ring, and when records are renamed or trimmed the copies the queue holds besides
  expect(report.liveGrowth).toBeLessThan(2 * maxBurstBytes + 8 * 1024 * 1024);
  expect(report.rssGrowth).toBeLessThan(maxBurstBytes + 80 * 1024 * 1024);
}
