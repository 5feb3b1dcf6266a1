/**
 * The one place where a DomainError from the persistence layer becomes a Temporal failure:
 * such errors describe the request (a connection or source that is gone, streams it does not
 * sync), so retrying the activity cannot help. Anything else is left to Temporal's retries.
 */
import { ApplicationFailure } from '@temporalio/common';
import { DomainError } from '@tributary/domain';

export function asActivityFailure(error: unknown): unknown {
  return error instanceof DomainError ? ApplicationFailure.nonRetryable(error.message, error.code, error.details) : error;
}

/** Runs `call`, turning a DomainError it throws into a non-retryable failure. */
export async function withDomainFailures<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asActivityFailure(error);
  }
}
