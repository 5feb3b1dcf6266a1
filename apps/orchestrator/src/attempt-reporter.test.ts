import { describe, expect, it } from 'vitest';
import type { LogEntry } from '@tributary/domain';
import { AttemptReporter, type RunnerApi } from './attempt-reporter.js';

function recordingApi(): RunnerApi & { batches: LogEntry[][] } {
  const batches: LogEntry[][] = [];
  return {
    batches,
    progress: async () => undefined,
    state: async () => undefined,
    logs: async (entries) => void batches.push(entries),
    configUpdate: async () => undefined,
    outcome: async () => undefined,
  };
}

const line = (n: number, bytes: number): LogEntry => ({ timestamp: n, level: 'info', origin: 'source', message: `${n}:${'x'.repeat(bytes)}` });

describe('AttemptReporter log batches', () => {
  it('cuts batches by size as well as by count, keeping every line in order', async () => {
    const api = recordingApi();
    const reporter = new AttemptReporter(api, { secretValues: [], logFlushIntervalMs: 10_000 });
    for (let n = 0; n < 10; n++) reporter.log(line(n, 600_000));
    for (let n = 10; n < 2_510; n++) reporter.log(line(n, 10));
    await reporter.flushLogs();
    for (const batch of api.batches) {
      expect(batch.length).toBeLessThanOrEqual(1_000);
      expect(batch.reduce((sum, e) => sum + Buffer.byteLength(e.message), 0)).toBeLessThanOrEqual(2 * 1024 * 1024);
    }
    expect(api.batches.flat().map((e) => e.timestamp)).toEqual(Array.from({ length: 2_510 }, (_, n) => n));
  });

  it('masks secrets before anything is sent, also in the outcome', async () => {
    const api = recordingApi();
    const outcomes: unknown[] = [];
    api.outcome = async (o) => void outcomes.push(o);
    const reporter = new AttemptReporter(api, { secretValues: ['hunter2-secret'], logFlushIntervalMs: 1 });
    reporter.log({ timestamp: 1, level: 'info', origin: 'source', message: 'password=hunter2-secret' });
    await reporter.finish({
      status: 'failed',
      failures: [{ origin: 'source', type: 'config_error', message: 'bad hunter2-secret', timestamp: 1 }],
      streamStats: [],
      recordsEmitted: 0,
      bytesEmitted: 0,
      recordsCommitted: 0,
      bytesCommitted: 0,
    });
    expect(JSON.stringify([api.batches, outcomes])).not.toContain('hunter2-secret');
    expect(api.batches.flat()[0]!.message).toMatch(/^password=\*+$/);
  });
});
