/**
 * Whether a failed attempt is worth retrying, decided from what went wrong. A configuration
 * error (bad credentials, a missing table) fails the same way every time; anything else may
 * pass on the next attempt.
 *
 * Sources built on the Airbyte Python CDK end every failed read with one more TRACE error, of
 * type config_error, that only lists the streams that failed ("During the sync, the following
 * streams did not sync successfully: ..."). The CDK says itself that this combined error is not
 * actionable: the individual errors emitted before it are. So it never decides: a transient
 * HTTP 500 in one stream stays a transient failure, and is retried.
 */
import type { FailureReason } from './failures.js';

const CDK_COMBINED_ERROR = 'During the sync, the following streams did not sync successfully';

/** The CDK's closing summary of the streams that failed (not a failure of its own). */
export function isCombinedStreamFailure(failure: FailureReason): boolean {
  return failure.stream === undefined && failure.message.startsWith(CDK_COMBINED_ERROR);
}

export interface RetryVerdict {
  retryable: boolean;
  /**
   * why, in words for people ("transient error from the source (stream customers)"); the
   * connector's own message stays in the failure reasons (it may quote a secret)
   */
  reason: string;
}

const describe = (f: FailureReason) => `${f.type.replace('_', ' ')} from the ${f.origin}${f.stream ? ` (stream ${f.stream.name})` : ''}`;

export function retryVerdict(failures: readonly FailureReason[]): RetryVerdict {
  const deciding = failures.filter((f) => !isCombinedStreamFailure(f));
  const configError = deciding.find((f) => f.type === 'config_error');
  if (configError) return { retryable: false, reason: `${describe(configError)} (retrying cannot help)` };
  const cause = deciding[0] ?? failures[0];
  return { retryable: true, reason: cause ? describe(cause) : 'the attempt failed without a reason' };
}
