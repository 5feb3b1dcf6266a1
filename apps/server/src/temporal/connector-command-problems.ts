/**
 * How a connector command that did not produce its output becomes an HTTP problem. The
 * table, for every endpoint that runs a connector:
 *
 *   no worker polls the task queue           503 worker_unavailable (checked before starting)
 *   Temporal unreachable                     503 temporal_unavailable
 *   no answer within the command timeout     504 connector_timeout
 *   the connector reported a config_error    422 connector_config_error, with `failure`
 *   any other connector failure              502 connector_failed, with `failure`
 *   the workflow itself failed on the worker 502 worker_failed (e.g. server and worker keys differ)
 *
 * A check answering FAILED is a result, not an error: the caller returns it with 200.
 * What the connector said arrives masked: the worker masks it with the config's secrets.
 */
import type { FailureReason } from '@tributary/domain';
import type { ActorType } from '@tributary/db';
import { ApiProblem } from '../errors/api-problem.js';

/**
 * A connector that ran and failed. The worker's launcher is not told whether it runs a
 * source or a destination (the workflow input has no role yet), so the caller's actor
 * type decides which of the two the failure is charged to.
 */
export function connectorFailureProblem(failure: FailureReason, actorType: ActorType, label: string): ApiProblem {
  const origin = failure.origin === 'source' || failure.origin === 'destination' ? actorType : failure.origin;
  const { message } = failure;
  const reported = { origin, type: failure.type, message };
  if (failure.type === 'config_error') {
    return new ApiProblem(422, 'connector_config_error', 'Connector configuration error', `${label}: ${message}`, { failure: reported });
  }
  return new ApiProblem(502, 'connector_failed', 'Connector failed', `${label} failed (${origin} ${failure.type}): ${message}`, {
    failure: reported,
  });
}

export function connectorTimeoutProblem(label: string, timeoutMs: number, workflowId: string): ApiProblem {
  return new ApiProblem(
    504,
    'connector_timeout',
    'Connector timeout',
    `${label} did not answer within ${Math.round(timeoutMs / 1000)} s (workflow ${workflowId}); the connector is stopped`,
  );
}

/** The workflow failed rather than returning a result: a platform problem, described by its innermost cause. */
export function workerFailedProblem(label: string, error: Error): ApiProblem {
  let cause: Error = error;
  while (cause.cause instanceof Error) cause = cause.cause;
  return new ApiProblem(502, 'worker_failed', 'Bad gateway', `${label} failed on the worker: ${cause.message}`);
}
