/**
 * Deletes job pods that have finished and outlived their TTL. One cycle lists the job pods of
 * a namespace by label, a page at a time, and deletes each succeeded pod that finished more
 * than `succeededTtlMs` ago and each failed or unknown one older than `failedTtlMs`; running
 * and pending pods are never touched (the worker owns them). Cycles never overlap: the next
 * one is scheduled when the previous has ended.
 */
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import type { Logger } from '@tributary/config';
import { JOB_POD_SELECTOR } from '@tributary/domain';

/** What the sweeper needs of the Kubernetes client (a real CoreV1Api in production and tests). */
export type PodsApi = Pick<CoreV1Api, 'listNamespacedPod' | 'deleteNamespacedPod'>;

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface PodSweeperOptions {
  pods: PodsApi;
  logger: Logger;
  clock?: Clock;
  namespace: string;
  intervalMs: number;
  succeededTtlMs: number;
  /** for failed and unknown pods */
  failedTtlMs: number;
  pageSize?: number;
}

/** Per-cycle counters, logged at the end of every cycle. */
export interface SweepCounts {
  /** job pods seen */
  listed: number;
  deletedSucceeded: number;
  deletedFailed: number;
  /** finished, but not old enough yet */
  keptYoung: number;
  /** running or pending */
  keptActive: number;
  /** already being deleted by someone else */
  terminating: number;
  /** deletions that failed (logged one by one) */
  errors: number;
}

/** Running totals since start, for /metrics. */
export interface SweepTotals {
  cycles: number;
  failedCycles: number;
  deletedSucceeded: number;
  deletedFailed: number;
  deleteErrors: number;
}

export class PodSweeper {
  private readonly clock: Clock;
  private readonly pageSize: number;
  private timer: NodeJS.Timeout | undefined;
  private cycle: Promise<void> | undefined;
  private stopped = true;
  private cycles = 0;
  private readonly sums: SweepTotals = { cycles: 0, failedCycles: 0, deletedSucceeded: 0, deletedFailed: 0, deleteErrors: 0 };
  private startedAt = new Date(0);
  private lastCycleEndedAt: Date | undefined;

  constructor(private readonly options: PodSweeperOptions) {
    this.clock = options.clock ?? systemClock;
    this.pageSize = options.pageSize ?? 200;
  }

  /** Runs a first cycle now, then one every interval until stop(). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.startedAt = this.clock.now();
    const { namespace, intervalMs, succeededTtlMs, failedTtlMs } = this.options;
    this.options.logger.info({ namespace, selector: JOB_POD_SELECTOR, intervalMs, succeededTtlMs, failedTtlMs }, 'pod sweeper started');
    this.runCycle();
  }

  /** Waits for a running cycle to end, then schedules no more. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.cycle;
    this.options.logger.info({ cycles: this.cycles }, 'pod sweeper stopped');
  }

  /**
   * Alive when started and a cycle ended within three intervals (or the first one is still
   * young): a cycle stuck on an unresponsive API server makes the liveness probe fail.
   */
  isHealthy(): boolean {
    if (this.stopped) return false;
    const since = this.lastCycleEndedAt ?? this.startedAt;
    return this.clock.now().getTime() - since.getTime() <= 3 * this.options.intervalMs + 60_000;
  }

  private runCycle(): void {
    this.cycle = this.sweepOnce()
      .then(() => undefined)
      .catch((error: unknown) => {
        this.sums.failedCycles++;
        this.options.logger.error({ err: error }, `sweep cycle failed: ${describe(error)}`);
      })
      .finally(() => {
        this.lastCycleEndedAt = this.clock.now();
        if (!this.stopped) this.timer = setTimeout(() => this.runCycle(), this.options.intervalMs);
      });
  }

  /** One cycle: list every job pod (all pages), delete those past their TTL. */
  async sweepOnce(): Promise<SweepCounts> {
    const { pods, namespace, logger } = this.options;
    const counts: SweepCounts = {
      listed: 0,
      deletedSucceeded: 0,
      deletedFailed: 0,
      keptYoung: 0,
      keptActive: 0,
      terminating: 0,
      errors: 0,
    };
    const startedAt = this.clock.now();
    this.cycles++;
    let continueToken: string | undefined;
    do {
      const page = await pods.listNamespacedPod({
        namespace,
        labelSelector: JOB_POD_SELECTOR,
        limit: this.pageSize,
        _continue: continueToken,
      });
      for (const pod of page.items) {
        counts.listed++;
        const verdict = this.verdict(pod, startedAt);
        if (verdict.action === 'keep') {
          counts[verdict.counter]++;
          continue;
        }
        try {
          await this.delete(pod);
          counts[verdict.counter]++;
          logger.info(
            { pod: pod.metadata?.name, phase: pod.status?.phase, finishedAt: verdict.finishedAt.toISOString() },
            'deleted job pod',
          );
        } catch (error) {
          counts.errors++;
          logger.warn({ pod: pod.metadata?.name, err: error }, `could not delete job pod: ${describe(error)}`);
        }
      }
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken);
    logger.info({ cycle: this.cycles, ...counts, durationMs: this.clock.now().getTime() - startedAt.getTime() }, 'sweep cycle done');
    this.sums.cycles++;
    this.sums.deletedSucceeded += counts.deletedSucceeded;
    this.sums.deletedFailed += counts.deletedFailed;
    this.sums.deleteErrors += counts.errors;
    return counts;
  }

  /** Totals of every cycle since this sweeper was made (cycles: the completed ones). */
  totals(): SweepTotals {
    return { ...this.sums };
  }

  private verdict(
    pod: V1Pod,
    now: Date,
  ):
    | { action: 'keep'; counter: 'keptYoung' | 'keptActive' | 'terminating' }
    | { action: 'delete'; counter: 'deletedSucceeded' | 'deletedFailed'; finishedAt: Date } {
    if (pod.metadata?.deletionTimestamp) return { action: 'keep', counter: 'terminating' };
    const phase = pod.status?.phase;
    const ttl =
      phase === 'Succeeded'
        ? this.options.succeededTtlMs
        : phase === 'Failed' || phase === 'Unknown'
          ? this.options.failedTtlMs
          : undefined;
    if (ttl === undefined) return { action: 'keep', counter: 'keptActive' };
    const finishedAt = finishedAtOf(pod);
    if (now.getTime() - finishedAt.getTime() <= ttl) return { action: 'keep', counter: 'keptYoung' };
    return { action: 'delete', counter: phase === 'Succeeded' ? 'deletedSucceeded' : 'deletedFailed', finishedAt };
  }

  private async delete(pod: V1Pod): Promise<void> {
    const name = pod.metadata?.name ?? '';
    try {
      // the uid precondition: never delete a newer pod that took the same name since the list
      await this.options.pods.deleteNamespacedPod({
        name,
        namespace: this.options.namespace,
        body: { preconditions: { uid: pod.metadata?.uid } },
      });
    } catch (error) {
      // gone already (its job deleted it, or a second sweeper): nothing left to do
      if (statusCodeOf(error) === 404) return;
      throw error;
    }
  }
}

/**
 * When a finished pod finished: its last container's termination, else the last condition
 * change (a pod failed before any container ran), else its start or creation.
 */
export function finishedAtOf(pod: V1Pod): Date {
  const status = pod.status;
  const terminations = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? [])]
    .map((c) => c.state?.terminated?.finishedAt)
    .filter((t): t is Date => t instanceof Date);
  if (terminations.length > 0) return latest(terminations);
  const transitions = (status?.conditions ?? []).map((c) => c.lastTransitionTime).filter((t): t is Date => t instanceof Date);
  if (transitions.length > 0) return latest(transitions);
  return status?.startTime ?? pod.metadata?.creationTimestamp ?? new Date(0);
}

function latest(dates: Date[]): Date {
  return dates.reduce((a, b) => (a.getTime() >= b.getTime() ? a : b));
}

function statusCodeOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number' ? error.code : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
