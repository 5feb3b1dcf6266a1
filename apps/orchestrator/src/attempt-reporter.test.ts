import { describe, expect, it } from 'vitest';
import type { LogEntry } from '@tributary/domain';
import type { AttemptOutcome } from '@tributary/workflows';
import { AttemptReporter, RunnerApiError, type RunnerApi } from './attempt-reporter.js';

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

const OUTCOME: AttemptOutcome = {
  status: 'cancelled',
  failures: [],
  streamStats: [],
  recordsEmitted: 0,
  bytesEmitted: 0,
  recordsCommitted: 0,
  bytesCommitted: 0,
};
const FAST_RETRY = { retries: 8, minTimeout: 1, maxTimeout: 1 };

const line = (n: number, bytes: number): LogEntry => ({
  timestamp: n,
  level: 'info',
  origin: 'source',
  message: `${n}:${'x'.repeat(bytes)}`,
});

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

describe('AttemptReporter retries', () => {
  it('retries a server error and a timeout until the API takes the call', async () => {
    const api = recordingApi();
    const answers = [503, 408, 429];
    api.state = async () => {
      const status = answers.shift();
      if (status) throw new RunnerApiError(`state: ${status}`, status);
    };
    const warnings: string[] = [];
    const reporter = new AttemptReporter(api, { secretValues: [], retry: FAST_RETRY, warn: (m) => warnings.push(m) });
    await reporter.stateCommitted({ type: 'GLOBAL' } as never, {} as never);
    expect(answers).toEqual([]);
    expect(warnings).toHaveLength(3);
  });

  it('once the API says the attempt is over (401), sends nothing more and gives up the outcome at once', async () => {
    const api = recordingApi();
    const calls: string[] = [];
    const refuse = (what: string) => async () => {
      calls.push(what);
      throw new RunnerApiError(`${what}: 401 the runner credential is not valid, or its attempt has finished`, 401);
    };
    api.logs = refuse('logs');
    api.outcome = refuse('outcome');
    const warnings: string[] = [];
    const reporter = new AttemptReporter(api, {
      secretValues: [],
      logFlushIntervalMs: 10_000,
      retry: { retries: 8, minTimeout: 5_000, maxTimeout: 5_000 },
      warn: (m) => warnings.push(m),
    });
    reporter.log(line(1, 10));
    const started = Date.now();
    await expect(reporter.finish(OUTCOME)).rejects.toThrow('401');
    // no backoff: with the retries above, a single retry would take 5 s
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(calls).toEqual(['logs']);
    expect(warnings[0]).toContain('not retried');
    expect(warnings[1]).toContain('dropped 1 log lines');
  });

  it('does not retry a request the API refuses (400), and goes on sending other calls', async () => {
    const api = recordingApi();
    let configCalls = 0;
    api.configUpdate = async () => {
      configCalls += 1;
      throw new RunnerApiError('config update: 400 config must be an object', 400);
    };
    const outcomes: unknown[] = [];
    api.outcome = async (o) => void outcomes.push(o);
    const reporter = new AttemptReporter(api, {
      secretValues: [],
      logFlushIntervalMs: 1,
      retry: { retries: 8, minTimeout: 5_000, maxTimeout: 5_000 },
      warn: () => undefined,
    });
    reporter.configUpdate('source', { a: 1 });
    await reporter.finish(OUTCOME);
    expect(configCalls).toBe(1);
    expect(outcomes).toEqual([OUTCOME]);
    expect(api.batches.flat().map((e) => e.message)).toEqual([
      expect.stringContaining("the source's new config was not saved: config update: 400"),
    ]);
  });
});
