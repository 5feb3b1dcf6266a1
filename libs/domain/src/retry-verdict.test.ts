import { describe, expect, it } from 'vitest';
import type { FailureReason } from './failures.js';
import { isCombinedStreamFailure, retryVerdict } from './retry-verdict.js';

const failure = (f: Partial<FailureReason> & Pick<FailureReason, 'type' | 'message'>): FailureReason => ({ origin: 'source', timestamp: 0, ...f });
// what the Python CDK emits when one stream's API answers 500: the stream's error, then its summary
const streamError = failure({ type: 'transient_error', message: 'HTTP 500 from /customers', stream: { name: 'customers' } });
const combined = failure({
  type: 'config_error',
  message: "During the sync, the following streams did not sync successfully: customers: AirbyteTracedException('HTTP 500')",
});

describe('retryVerdict', () => {
  it("retries a CDK source's transient stream error although the CDK closes with a config_error summary", () => {
    expect(isCombinedStreamFailure(combined)).toBe(true);
    expect(retryVerdict([streamError, combined])).toEqual({
      retryable: true,
      reason: 'transient error from the source (stream customers)',
    });
  });

  it('does not retry when a stream itself failed with a configuration error', () => {
    const denied = failure({ type: 'config_error', message: 'HTTP 401: check your API key', stream: { name: 'customers' } });
    expect(retryVerdict([denied, combined])).toEqual({
      retryable: false,
      reason: 'config error from the source (stream customers) (retrying cannot help)',
    });
  });

  it('does not retry a configuration error that is no summary', () => {
    const badConfig = failure({ type: 'config_error', message: 'password authentication failed', origin: 'destination' });
    expect(retryVerdict([badConfig]).retryable).toBe(false);
    // a stream-less config_error with other words is a real one, even from the source
    expect(retryVerdict([failure({ type: 'config_error', message: 'the file does not exist' })]).retryable).toBe(false);
  });

  it('retries a summary that arrives alone, and system errors', () => {
    expect(retryVerdict([combined]).retryable).toBe(true);
    expect(retryVerdict([failure({ type: 'system_error', message: 'exited with code 1' })])).toEqual({
      retryable: true,
      reason: 'system error from the source',
    });
    expect(retryVerdict([])).toEqual({ retryable: true, reason: 'the attempt failed without a reason' });
  });
});
