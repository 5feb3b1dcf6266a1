/**
 * Whether a Tributary worker polls the task queue. Without one, a workflow started for a
 * synchronous answer (spec, check, discover, a job request) would wait until its timeout;
 * better to say at once that no worker is there.
 */
import { Inject, Injectable } from '@nestjs/common';
import { ApiProblem } from '../errors/api-problem.js';
import { TemporalRpc } from './temporal-rpc.js';

// temporal.api.enums.v1 values (the proto package is not a dependency of the server)
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;

/**
 * A live worker long-polls without pause and Temporal records the start of each poll; a poll
 * lasts at most about a minute, so a poller seen within two minutes is still there.
 */
export const POLLER_FRESHNESS_MS = 2 * 60_000;
/** a positive answer is reused this long, so busy APIs do not describe the queue on every request */
const CONFIRMED_FOR_MS = 5_000;

interface Timestamp {
  seconds?: number | { toString(): string } | null;
  nanos?: number | null;
}

const timestampMs = (ts: Timestamp | null | undefined): number =>
  ts ? Number(ts.seconds?.toString() ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6) : 0;

@Injectable()
export class WorkerAvailability {
  private confirmedAt = 0;

  constructor(@Inject(TemporalRpc) private readonly rpc: TemporalRpc) {}

  /** Resolves when workers poll both the workflow and the activity side of the task queue; 503 otherwise. */
  async ensureWorkerPolling(): Promise<void> {
    if (Date.now() - this.confirmedAt < CONFIRMED_FOR_MS) return;
    const { namespace, taskQueue } = this.rpc.settings;
    const describe = (taskQueueType: number) =>
      this.rpc.client.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
        taskQueueType,
      });
    const [workflowSide, activitySide] = await this.rpc.control(`describe task queue ${taskQueue}`, () =>
      Promise.all([describe(TASK_QUEUE_TYPE_WORKFLOW), describe(TASK_QUEUE_TYPE_ACTIVITY)]),
    );
    const since = Date.now() - POLLER_FRESHNESS_MS;
    const polled = (pollers: { lastAccessTime?: Timestamp | null }[] | null | undefined) =>
      (pollers ?? []).some((p) => timestampMs(p.lastAccessTime) >= since);
    if (!polled(workflowSide.pollers) || !polled(activitySide.pollers)) {
      throw new ApiProblem(
        503,
        'worker_unavailable',
        'Service unavailable',
        `no Tributary worker is polling task queue ${taskQueue} (namespace ${namespace}): start a worker with TEMPORAL_TASK_QUEUE=${taskQueue}, then retry`,
      );
    }
    this.confirmedAt = Date.now();
  }
}
