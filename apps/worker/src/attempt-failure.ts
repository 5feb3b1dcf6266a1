/**
 * The one place where an attempt's failure becomes a Temporal ApplicationFailure: the type
 * says whose fault it was (e.g. `source.system_error`), config errors are non-retryable,
 * (per retryVerdict), and the first detail is the AttemptOutcome (stats, committed counts) the workflow records.
 */
import { ApplicationFailure } from '@temporalio/common';
import { retryVerdict } from '@tributary/domain';
import type { AttemptOutcome } from '@tributary/workflows';

export function attemptFailure(outcome: AttemptOutcome): ApplicationFailure {
  const cause = outcome.failures[0];
  const type = cause ? `${cause.origin}.${cause.type}` : 'platform.system_error';
  const message = cause?.message ?? 'the attempt failed without a reason';
  return ApplicationFailure.create({
    message,
    type,
    nonRetryable: !retryVerdict(outcome.failures).retryable,
    details: [outcome],
  });
}
