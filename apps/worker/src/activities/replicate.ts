/**
 * The replicate activity: one attempt of a sync. Heartbeats live progress, persists each
 * committed state before the next one is taken, and stops the connectors when Temporal
 * cancels the activity (delivered on a heartbeat, so heartbeats are frequent).
 */
import { Context } from '@temporalio/activity';
import pRetry, { type Options as RetryOptions } from 'p-retry';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { FailureReason } from '@tributary/domain';
import { PodDetachedError, type ConnectorLauncher } from '@tributary/launcher';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { clearingLauncher, describePace, replicate, type ReplicationOptions, type ReplicationProgress, type ReplicationTotals } from '@tributary/replication';
import { attemptOutcome, POD_DETACHED_FAILURE, type AttemptOutcome, type JobPersistence, type ReplicateActivityInput, type ReplicateHeartbeat, type SyncConfig } from '@tributary/workflows';
import { attemptFailure } from '../attempt-failure.js';
import type { AttemptLogs } from '../attempt-logs.js';
import { ConnectorOutputMasking } from '../connector-output-masking.js';
import { checksBeforeWriting, destinationGateOf, type ChecksBeforeWriting, type WriteVerdict } from './checks-before-writing.js';
import { withFreshGenerations } from './fresh-generations.js';
import { replicateInPod, type PodAttemptDeps } from './replicate-in-pod.js';
import { ConnectorConfigUpdates } from './connector-config-updates.js';


export interface ReplicateActivityDeps {
  launcher: ConnectorLauncher;
  persistence: JobPersistence;
  attemptLogs: AttemptLogs;
  /** default 1 s; the SDK throttles actual heartbeat calls (see the worker's heartbeat options) */
  heartbeatIntervalMs?: number;
  /** how often live progress goes to the database; default 2 s (what the status endpoint shows) */
  progressPersistIntervalMs?: number;
  replicationOptions?: ReplicationOptions;
  /** how saving committed state is retried; default STATE_SAVE_RETRY */
  stateSaveRetry?: Pick<RetryOptions, 'retries' | 'minTimeout' | 'maxTimeout'>;
  /** Kubernetes: each attempt runs as a replication pod instead of in this process */
  podAttempts?: Omit<PodAttemptDeps, 'launcher' | 'persistence'>;
}

/** About a minute of tries: long enough for a PostgreSQL restart, short of the heartbeat timeout's concerns. */
export const STATE_SAVE_RETRY = { retries: 8, minTimeout: 500, maxTimeout: 10_000 };

function describeStreams(config: SyncConfig): string {
  const names = config.catalog.streams.map(({ stream }) => (stream.namespace ? `${stream.namespace}.${stream.name}` : stream.name));
  return names.length > 0 ? `streams: ${names.join(', ')}` : 'no streams';
}

export function replicateActivity(deps: ReplicateActivityDeps) {
  const heartbeatIntervalMs = deps.heartbeatIntervalMs ?? 1000;
  const progressPersistIntervalMs = deps.progressPersistIntervalMs ?? 2000;

  return async function replicateAttempt(ref: ReplicateActivityInput): Promise<AttemptOutcome> {
    const ctx = Context.current();
    const { persistence } = deps;
    // loaded first: the log masks the secrets it holds
    const config = await persistence.loadSyncConfig(ref);
    const log = await deps.attemptLogs(ref, { secretValues: config.secretValues });
    // everything the connectors say leaves this activity through it
    const masking = new ConnectorOutputMasking(config.secretValues);
    const launcher = masking.launcher(deps.launcher);
    let progress: ReplicationProgress | undefined;
    let committed: ReplicationTotals | undefined;
    const beat = () =>
      ctx.heartbeat({ jobId: ref.jobId, attemptNumber: ref.attemptNumber, progress, committed } satisfies ReplicateHeartbeat);
    beat();
    const ticker = setInterval(beat, heartbeatIntervalMs);
    let lastProgressPersist = 0;
    try {
      log.write({
        timestamp: Date.now(),
        level: 'info',
        origin: 'platform',
        message: `${config.kind} attempt ${ref.attemptNumber} of job ${ref.jobId} started (${describeStreams(config)})`,
      });
      const clearing = config.kind === 'clear';
      // checked beside the read, not before it: the destination receives nothing until they pass
      const checks: ChecksBeforeWriting = {
        connectionId: ref.connectionId,
        config,
        // a clear needs only the destination: a broken source must not block it
        checkRoles: ref.checkConnectorsFirst ? (clearing ? ['destination'] : ['source', 'destination']) : [],
        detectSchemaChanges: !clearing && config.nonBreakingChangesPolicy !== undefined && ref.attemptNumber === 1,
      };
      const replicateInWorker = async (): Promise<AttemptOutcome> => {
        const verdict =
          checks.checkRoles.length > 0 || checks.detectSchemaChanges
            ? checksBeforeWriting(launcher, persistence, checks, log.write, ctx.cancellationSignal).catch(
                (err: unknown): WriteVerdict => ({
                  ok: false,
                  failure: { origin: 'platform', type: 'system_error', message: `the checks before writing failed: ${(err as Error).message}`, timestamp: Date.now() },
                }),
              )
            : undefined;
        const state = await persistence.loadState(ref.connectionId);
        const configUpdates = new ConnectorConfigUpdates(persistence, config.actorIds, masking, log.write);
        const replicateWith = async (catalog: ConfiguredAirbyteCatalog, destinationGate?: Promise<FailureReason | undefined>) =>
          replicate({
            launcher: clearing ? clearingLauncher(launcher) : launcher,
            source: config.source,
            destination: config.destination,
            catalog: clearing ? catalog : await withFreshGenerations(persistence, ref.connectionId, catalog, state),
            destinationNaming: config.destinationNaming,
            fieldSelection: config.fieldSelection,
            state,
            signal: ctx.cancellationSignal,
            ...(destinationGate ? { destinationGate } : {}),
            onLog: log.write,
            onProgress: (p) => {
              progress = p;
              if (p.done || Date.now() - lastProgressPersist >= progressPersistIntervalMs) {
                lastProgressPersist = Date.now();
                persistence.persistProgress(ref, p).catch((err: Error) =>
                  log.write({
                    timestamp: Date.now(),
                    level: 'warn',
                    origin: 'platform',
                    message: `could not persist progress: ${err.message}`,
                  }),
                );
              }
            },
            // awaited by replicate() before the next commit: a crash loses nothing committed. A database
            // restarting is waited out; a save that still fails fails the attempt (never a success without its state)
            onStateCommitted: async (state, totals) => {
              await pRetry(() => persistence.persistState(ref, state, totals), {
                ...(deps.stateSaveRetry ?? STATE_SAVE_RETRY),
                onFailedAttempt: ({ error, attemptNumber, retriesLeft }) =>
                  log.write({
                    timestamp: Date.now(),
                    level: 'warn',
                    origin: 'platform',
                    message: `could not save the committed state (try ${attemptNumber}, ${retriesLeft} left): ${error.message}`,
                  }),
              });
              // if the worker dies now, the workflow learns from the last heartbeat that records were committed
              committed = totals;
              beat();
            },
            onConfigUpdate: configUpdates.onUpdate,
            options: deps.replicationOptions,
          });

        let result = await replicateWith(config.catalog, verdict ? destinationGateOf(verdict, config.catalog) : undefined);
        const decided = await verdict;
        if (decided && !decided.ok) {
          // also when both connectors ended before the verdict came: it is the cause
          if (result.status !== 'cancelled' && result.failures[0] !== decided.failure) {
            result = { ...result, status: 'failed', failures: [decided.failure, ...result.failures] };
          }
        } else if (decided && decided.catalog !== config.catalog && result.status !== 'cancelled' && !ctx.cancellationSignal.aborted) {
          log.write({
            timestamp: Date.now(),
            level: 'info',
            origin: 'platform',
            message: 'the read starts again with the propagated catalog (the destination had received nothing)',
          });
          result = await replicateWith(decided.catalog);
        }
        await configUpdates.settled();
        log.write({ timestamp: Date.now(), level: 'info', origin: 'platform', message: describePace(result) });
        return masking.outcome(attemptOutcome(result));
      };
      const replicateInPodOrDetach = async (): Promise<AttemptOutcome> => {
        // a cancel deletes the pod; a worker shutting down only stops watching it
        const cancel = new AbortController();
        const detach = new AbortController();
        const onAbort = () => (ctx.cancellationDetails?.workerShutdown ? detach : cancel).abort();
        if (ctx.cancellationSignal.aborted) onAbort();
        else ctx.cancellationSignal.addEventListener('abort', onAbort, { once: true });
        try {
          return await replicateInPod(
            { ...deps.podAttempts!, launcher, persistence },
            { ref, config, checks, log: log.write, signal: cancel.signal, detach: detach.signal, onProgress: (p) => (progress = p) },
          );
        } catch (err) {
          if (!(err instanceof PodDetachedError)) throw err;
          log.write({ timestamp: Date.now(), level: 'info', origin: 'platform', message: `${err.message}: the worker shuts down` });
          throw ApplicationFailure.create({ type: POD_DETACHED_FAILURE, message: err.message, nonRetryable: true });
        } finally {
          ctx.cancellationSignal.removeEventListener('abort', onAbort);
        }
      };
      const outcome = deps.podAttempts ? masking.outcome(await replicateInPodOrDetach()) : await replicateInWorker();
      log.write({ timestamp: Date.now(), level: 'info', origin: 'platform', message: `attempt ${ref.attemptNumber} ${outcome.status}` });
      if (outcome.status === 'succeeded') return outcome;
      if (outcome.status === 'cancelled' || ctx.cancellationSignal.aborted) {
        // the outcome rides along: records committed before the cancel still count
        if (ctx.cancellationDetails?.cancelRequested)
          throw new CancelledFailure('the attempt was cancelled', [{ ...outcome, status: 'cancelled' }]);
        // stopped by the platform (worker shutdown, timeout): a failed attempt, retried from committed state
        const why = ctx.cancellationDetails?.workerShutdown ? 'the worker shut down' : 'the platform stopped the attempt';
        throw attemptFailure({
          ...outcome,
          status: 'failed',
          failures: [
            { origin: 'platform', type: 'transient_error', message: `${why} during the sync`, timestamp: Date.now() },
            ...outcome.failures,
          ],
        });
      }
      throw attemptFailure(outcome);
    } finally {
      clearInterval(ticker);
      await log.close();
    }
  };
}
