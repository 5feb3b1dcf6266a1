/**
 * An attempt in Kubernetes: the worker relays no records. It runs the checks the attempt
 * needs (one-connector pods), starts the attempt's replication pod with everything it needs
 * in a Secret and a runner token for its reports, then watches it: progress for the
 * heartbeats comes from what the orchestrator reported to the Config API, the outcome from
 * its last report. A worker that picks up an attempt another one started (reattach) only
 * watches; a worker that shuts down stops watching and leaves the pod to the next one.
 */
import type { FailureReason, LogSink } from '@tributary/domain';
import type { ConnectorLauncher, PodAttempt, ReplicationPodEnd, ReplicationPods } from '@tributary/launcher';
import { stateForSource, type ReplicationPodInput, type ReplicationProgress } from '@tributary/replication';
import { attemptOutcomeOfProgress, type AttemptOutcome, type JobPersistence, type ReplicateActivityInput, type SyncConfig } from '@tributary/workflows';
import { checksBeforeWriting, type ChecksBeforeWriting } from './checks-before-writing.js';
import { withFreshGenerations } from './fresh-generations.js';

export interface PodAttemptDeps {
  pods: ReplicationPods;
  /** runs the checks and the discover as one-connector pods */
  launcher: ConnectorLauncher;
  persistence: JobPersistence;
  /** the Config API as the pods reach it */
  apiUrl: string;
  /** how often progress is read back for the heartbeats; default 2 s */
  progressPollMs?: number;
  /** the most a sync's spill file holds in its pod (TRIBUTARY_SPILL_MAX_MIB); 0 or unset: none */
  spillMaxBytes?: number;
}

export interface PodAttemptRun {
  ref: ReplicateActivityInput;
  config: SyncConfig;
  checks: ChecksBeforeWriting;
  log: LogSink;
  /** a cancel: the pod is deleted */
  signal: AbortSignal;
  /** the worker shuts down: stop watching, leave the pod running */
  detach: AbortSignal;
  onProgress: (progress: ReplicationProgress) => void;
}

function platformFailure(message: string, type: FailureReason['type'] = 'system_error'): FailureReason {
  return { origin: 'platform', type, message, timestamp: Date.now() };
}

async function startPod(deps: PodAttemptDeps, run: PodAttemptRun, attempt: PodAttempt): Promise<AttemptOutcome | undefined> {
  const { config, checks, log, signal } = run;
  const { persistence } = deps;
  let catalog = config.catalog;
  if (checks.checkRoles.length > 0 || checks.detectSchemaChanges) {
    // before the pod, not beside it: the pod's destination would start writing at once
    const verdict = await checksBeforeWriting(deps.launcher, persistence, checks, log, signal);
    if (!verdict.ok) return attemptOutcomeOfProgress('failed', [verdict.failure], undefined);
    catalog = verdict.catalog;
  }
  if (signal.aborted) return attemptOutcomeOfProgress('cancelled', [], undefined);
  const clearing = config.kind === 'clear';
  const state = await persistence.loadState(attempt.connectionId);
  const input: ReplicationPodInput = {
    attempt,
    apiUrl: deps.apiUrl,
    destinationOnly: clearing,
    source: config.source,
    destination: config.destination,
    catalog: clearing ? catalog : await withFreshGenerations(persistence, attempt.connectionId, catalog, state),
    destinationNaming: config.destinationNaming,
    fieldSelection: config.fieldSelection,
    ...(state ? { state } : {}),
    secretValues: config.secretValues,
    ...(deps.spillMaxBytes ? { options: { spillMaxBytes: deps.spillMaxBytes } } : {}),
  };
  const imageOf = (side: 'source' | 'destination') => {
    const image = config[side].definition.image;
    if (!image) throw new Error(`the ${side}'s connector definition names no image: in Kubernetes every connector runs from one`);
    return image;
  };
  const token = await persistence.issueRunnerToken(attempt);
  await deps.pods.start({
    attempt,
    input: JSON.stringify(input),
    token,
    ...(clearing
      ? {}
      : { source: { image: imageOf('source'), resources: config.source.definition.resources, withState: stateForSource(state) !== undefined } }),
    destination: { image: imageOf('destination'), resources: config.destination.definition.resources },
    ...(config.connectionResources ? { connectionResources: config.connectionResources } : {}),
  });
  log({ timestamp: Date.now(), level: 'info', origin: 'platform', message: `the attempt runs in pod ${deps.pods.podName(attempt)}` });
  return undefined;
}

/** Runs (or, with ref.reattach, picks up) the attempt's replication pod to its end. */
export async function replicateInPod(deps: PodAttemptDeps, run: PodAttemptRun): Promise<AttemptOutcome> {
  const { ref, log, signal } = run;
  const { persistence } = deps;
  const attempt: PodAttempt = { connectionId: ref.connectionId, jobId: ref.jobId, attemptNumber: ref.attemptNumber };
  if (ref.reattach) {
    log({ timestamp: Date.now(), level: 'info', origin: 'platform', message: `a worker picks the attempt up again from pod ${deps.pods.podName(attempt)}` });
  } else {
    const early = await startPod(deps, run, attempt);
    if (early) return early;
  }

  let progress: ReplicationProgress | undefined;
  const readProgress = async () => {
    progress = (await persistence.loadProgress(attempt).catch(() => undefined)) ?? progress;
    if (progress) run.onProgress(progress);
  };
  const poll = setInterval(() => void readProgress(), deps.progressPollMs ?? 2_000);
  let end: ReplicationPodEnd;
  try {
    end = await deps.pods.wait(attempt, { cancel: signal, detach: run.detach });
  } finally {
    clearInterval(poll);
  }
  await readProgress();
  const reported = await persistence.loadRunnerOutcome(attempt);
  if (signal.aborted) return reported?.status === 'cancelled' ? reported : attemptOutcomeOfProgress('cancelled', [], progress);
  // a success reported is whole (every state committed): what happened to the pod after it does not change it
  if (reported?.status === 'succeeded') return reported;
  if (end.failures.length > 0) {
    // the pod-level cause (out of memory, never scheduled) explains what the orchestrator saw
    const base = reported ?? attemptOutcomeOfProgress('failed', [], progress);
    return { ...base, status: 'failed', failures: [...end.failures, ...base.failures] };
  }
  if (reported) return reported;
  return attemptOutcomeOfProgress(
    'failed',
    [platformFailure(`the replication pod ${deps.pods.podName(attempt)} ended without reporting an outcome`, 'transient_error')],
    progress,
  );
}
