// replicate() with the first-party connectors (libs/connectors, run from their compiled
// dist/ like in production: `npx tsc -b libs/connectors` first; npm test builds it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { builtinEntrypoint, resolveBuiltinConnector } from '@tributary/connectors';
import { ProcessLauncher, type ConnectorDefinition } from '@tributary/launcher';
import { replicate } from './replicate.js';
import type { ReplicateInput, ReplicationProgress, ReplicationState } from './types.js';

const built = ['source-sample', 'destination-dev-null'].every((name) => existsSync(builtinEntrypoint(name)!));
const sourceSample: ConnectorDefinition = { runtime: { kind: 'builtin', name: 'source-sample' } };
const devNull: ConnectorDefinition = { runtime: { kind: 'builtin', name: 'destination-dev-null' } };
const STREAMS = ['users', 'products', 'purchases'];

function catalog(streams = STREAMS): ConfiguredAirbyteCatalog {
  return {
    streams: streams.map((name) => ({
      stream: { name, json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh', 'incremental'], source_defined_cursor: true },
      sync_mode: 'incremental',
      cursor_field: ['updated_at'],
      destination_sync_mode: 'append',
    })),
  };
}

const offsetOf = (state: ReplicationState | undefined, name: string): number =>
  (state?.find((s) => s.stream?.stream_descriptor.name === name)?.stream?.stream_state as { offset?: number } | undefined)?.offset ?? 0;

describe.skipIf(!built)('replicate: source-sample -> destination-dev-null', () => {
  let dir: string;
  let launcher: ProcessLauncher;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'replication-builtin-'));
    launcher = new ProcessLauncher({ installDir: join(dir, 'install'), tmpDir: dir, resolveBuiltin: resolveBuiltinConnector });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = (sourceConfig: Record<string, unknown>, extra: Partial<ReplicateInput> = {}) =>
    replicate({
      launcher,
      source: { definition: sourceSample, config: sourceConfig },
      destination: { definition: devNull, config: {} },
      catalog: catalog(),
      ...extra,
    });

  it('syncs every stream, commits per-stream state and reports progress', async () => {
    const progress: ReplicationProgress[] = [];
    const commits: ReplicationState[] = [];
    const result = await run(
      { count: 5000, streams: STREAMS, records_per_state: 1000 },
      { onProgress: (p) => progress.push(p), onStateCommitted: (s) => void commits.push(s) },
    );
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('succeeded');
    for (const s of result.streamStats) {
      expect(s).toMatchObject({ recordsEmitted: 5000, recordsCommitted: 5000 });
      expect(s.bytesCommitted).toBe(s.bytesEmitted);
      expect(s.bytesEmitted).toBeGreaterThan(5000 * 100);
    }
    expect(result.totals.stateMessagesCommitted).toBe(15);
    expect(commits).toHaveLength(15);
    expect(result.state).toHaveLength(3);
    for (const name of STREAMS) expect(offsetOf(result.state, name)).toBe(5000);
    // no per-checkpoint stats in the stored state
    expect(JSON.stringify(result.state)).not.toContain('Stats');
    const last = progress.at(-1)!;
    expect(last.done).toBe(true);
    expect(last.streams.map((s) => [s.name, s.status, s.estimatedRecords])).toEqual(STREAMS.map((n) => [n, 'COMPLETE', 5000]));
  });

  it('resumes from the committed state after a failed attempt, re-sending only what was not committed', async () => {
    const config = { count: 4000, streams: STREAMS, records_per_state: 500 };
    const first = await run({ ...config, fail_after: 6200 });
    expect(first.status).toBe('failed');
    expect(first.failures[0]).toMatchObject({ origin: 'source', type: 'system_error' });
    expect(first.failures[0]!.message).toContain('failing on purpose');
    expect(first.totals.recordsEmitted).toBe(6200);
    const committed = STREAMS.map((n) => offsetOf(first.state, n));
    expect(committed).toEqual([4000, 2000, 0]); // users done, products up to its last state

    const second = await run(config, { state: first.state });
    expect(second.status).toBe('succeeded');
    expect(second.streamStats.map((s) => s.recordsEmitted)).toEqual(committed.map((c) => 4000 - c));
    for (const name of STREAMS) expect(offsetOf(second.state, name)).toBe(4000);
  });

  it('cancels a running sync within seconds, keeping the committed state', async () => {
    const controller = new AbortController();
    let commits = 0;
    const started = Date.now();
    const result = await run(
      { count: 1_000_000, streams: ['users'], records_per_state: 100, records_per_batch: 100, sleep_ms_per_batch: 20 },
      {
        catalog: catalog(['users']),
        signal: controller.signal,
        onStateCommitted: () => {
          if (++commits === 3) controller.abort();
        },
      },
    );
    expect(result.status).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(offsetOf(result.state, 'users')).toBeGreaterThanOrEqual(300);
    expect(result.totals.recordsEmitted).toBeLessThan(1_000_000);
  });
});
