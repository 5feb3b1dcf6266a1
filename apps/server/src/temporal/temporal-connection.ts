/**
 * The API's connection to Temporal: lazy (the API serves configuration while Temporal is
 * down), with the SDK's gRPC retries held to each call's deadline, and a close that lets the
 * retries already scheduled run first.
 *
 * The SDK's own retry interceptor sleeps between attempts (up to 5 s) whatever the deadline:
 * against an unreachable Temporal a call given 1 s answered after ~1.9 s, one given 2 s after
 * ~3 s. And a retry it had scheduled for a call nobody waited for any more (one of a
 * Promise.all that had already failed) ran after close(), on the closed channel: an uncaught
 * "Channel has been shut down", which ends the process.
 */
import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions } from '@temporalio/client';

type Interceptor = NonNullable<ConnectionOptions['interceptors']>[number];

export interface TemporalConnection {
  connection: Connection;
  /** No more retries; waits for those already scheduled (at most the SDK's 5 s), then closes. */
  close(): Promise<void>;
}

const deadlineMs = (deadline: Date | number | undefined): number =>
  deadline === undefined ? Infinity : deadline instanceof Date ? deadline.getTime() : deadline;

export function lazyTemporalConnection(address: string): TemporalConnection {
  const sdk = defaultGrpcRetryOptions();
  let closing = false;
  /** when the last retry scheduled so far starts */
  let retriesUntil = 0;
  const retries: Interceptor = (options, nextCall) => {
    const deadline = deadlineMs(options.deadline);
    return makeGrpcRetryInterceptor({
      retryableDecider: (attempt, status) => !closing && Date.now() < deadline && sdk.retryableDecider(attempt, status),
      delayFunction: (attempt, status) => {
        // the last attempt starts at the deadline at the latest, and fails there
        const delay = Math.max(0, Math.min(sdk.delayFunction(attempt, status), deadline - Date.now()));
        retriesUntil = Math.max(retriesUntil, Date.now() + delay);
        return delay;
      },
    })(options, nextCall);
  };
  const connection = Connection.lazy({ address, interceptors: [retries] });
  return {
    connection,
    async close() {
      closing = true;
      const scheduled = retriesUntil - Date.now();
      // the retry's own call fails at once (no new retry): a moment for it to settle
      if (scheduled > 0) await new Promise((resolve) => setTimeout(resolve, scheduled + 50));
      await connection.close();
    },
  };
}
