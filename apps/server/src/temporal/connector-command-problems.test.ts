import { describe, expect, it } from 'vitest';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { ApiProblem } from '../errors/api-problem.js';
import { connectorFailureProblem, workerFailedProblem } from './connector-command-problems.js';

const failure = (
  origin: 'source' | 'destination' | 'platform',
  type: 'config_error' | 'system_error' | 'transient_error',
  message: string,
) => ({
  origin,
  type,
  message,
  timestamp: 0,
});

describe('connector command problems', () => {
  it('a config_error is the client’s to fix (422); other connector failures are a bad gateway (502)', () => {
    const config = connectorFailureProblem(failure('source', 'config_error', 'bad host'), 'source', 'source-x 1.0 check');
    expect(config).toMatchObject({ status: 422, code: 'connector_config_error', message: 'source-x 1.0 check: bad host' });
    expect(config.extensions.failure).toEqual({ origin: 'source', type: 'config_error', message: 'bad host' });
    const crash = connectorFailureProblem(failure('source', 'system_error', 'exited with code 1'), 'source', 'source-x 1.0 spec');
    expect(crash).toMatchObject({ status: 502, code: 'connector_failed' });
  });

  it('charges a connector failure to the destination when a destination ran, but keeps platform failures', () => {
    // the launcher calls every spec/check/discover connector a source
    expect(connectorFailureProblem(failure('source', 'system_error', 'x'), 'destination', 'd').extensions.failure?.origin).toBe(
      'destination',
    );
    expect(connectorFailureProblem(failure('platform', 'system_error', 'x'), 'destination', 'd').extensions.failure?.origin).toBe(
      'platform',
    );
  });

  it('describes a failed workflow by its innermost cause', () => {
    const cause = ApplicationFailure.nonRetryable('server and worker must share TRIBUTARY_SECRET_KEY', 'SecretKeyMismatch');
    const error = new WorkflowFailedError(
      'Workflow execution failed',
      new ActivityFailure('activity failed', 'runConnectorCommand', '1', 'NON_RETRYABLE_FAILURE', 'w', cause),
      'NON_RETRYABLE_FAILURE',
    );
    const problem = workerFailedProblem('s check', error);
    expect(problem).toBeInstanceOf(ApiProblem);
    expect(problem).toMatchObject({
      status: 502,
      code: 'worker_failed',
      message: 's check failed on the worker: server and worker must share TRIBUTARY_SECRET_KEY',
    });
  });
});
