import { describe, expect, it } from 'vitest';
import { completeFailureBackoffMs, describeNextStep, nextStepAfterFailure, resolveRetryPolicy } from './retry-policy.js';
import type { AttemptSummary } from './sync-job-contract.js';

const attempt = (n: number, recordsCommitted: number, type: 'system_error' | 'config_error' = 'system_error'): AttemptSummary => ({
  attemptNumber: n,
  status: 'failed',
  failures: [{ origin: 'source', type, message: 'boom', timestamp: 0 }],
  streamStats: [],
  recordsEmitted: recordsCommitted,
  bytesEmitted: 0,
  recordsCommitted,
  bytesCommitted: 0,
});

describe('retry policy', () => {
  const policy = resolveRetryPolicy();

  it('backs off 10 s × 3^(n−1), capped at 30 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => completeFailureBackoffMs(policy, n))).toEqual([
      10_000, 30_000, 90_000, 270_000, 810_000, 1_800_000, 1_800_000,
    ]);
  });

  it('gives up after the successive complete failure limit', () => {
    const attempts = [1, 2, 3, 4].map((n) => attempt(n, 0));
    expect(nextStepAfterFailure(policy, attempts)).toEqual({ action: 'retry', delayMs: 270_000, reason: 'system error from the source' });
    expect(nextStepAfterFailure(policy, [...attempts, attempt(5, 0)])).toMatchObject({ action: 'give_up' });
  });

  it('retries a partial failure at once and resets the successive complete count', () => {
    const attempts = [attempt(1, 0), attempt(2, 0), attempt(3, 50)];
    expect(nextStepAfterFailure(policy, attempts)).toMatchObject({ action: 'retry', delayMs: 0 });
    expect(nextStepAfterFailure(policy, [...attempts, attempt(4, 0)])).toMatchObject({ action: 'retry', delayMs: 10_000 });
  });

  it('stops at the total complete failure limit even when not successive', () => {
    const small = resolveRetryPolicy({ maxTotalCompleteFailures: 3 });
    expect(nextStepAfterFailure(small, [attempt(1, 0), attempt(2, 5), attempt(3, 0), attempt(4, 5), attempt(5, 0)])).toMatchObject({
      action: 'give_up',
      reason: '3 complete failures (system error from the source)',
    });
  });

  it('gives up at once on a configuration error', () => {
    expect(nextStepAfterFailure(policy, [attempt(1, 0, 'config_error')])).toMatchObject({ action: 'give_up' });
  });

  it("retries a CDK source's transient stream error despite the config_error summary the CDK closes with", () => {
    const cdk: AttemptSummary = {
      ...attempt(1, 0),
      failures: [
        { origin: 'source', type: 'transient_error', message: 'HTTP 500', stream: { name: 'customers' }, timestamp: 0 },
        { origin: 'source', type: 'config_error', message: 'During the sync, the following streams did not sync successfully: customers: ...', timestamp: 0 },
      ],
    };
    expect(nextStepAfterFailure(policy, [cdk])).toEqual({ action: 'retry', delayMs: 10_000, reason: 'transient error from the source (stream customers)' });
  });

  it('says in words what happens next', () => {
    expect(describeNextStep({ action: 'retry', delayMs: 10_000, reason: 'transient error from the source: HTTP 500' })).toBe(
      'retried in 10 s: transient error from the source: HTTP 500',
    );
    expect(describeNextStep({ action: 'retry', delayMs: 0, reason: 'x' })).toBe('retried at once: x');
    expect(describeNextStep({ action: 'give_up', reason: 'config error from the source: bad key (retrying cannot help)' })).toBe(
      'not retried: config error from the source: bad key (retrying cannot help)',
    );
  });
});
