/** A Temporal worker running Tributary's workflows and the given activities. */
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { SyncMetrics } from '@tributary/metrics';
import { TRIBUTARY_TASK_QUEUE, type TributaryActivities } from '@tributary/workflows';
import { syncMetricsInterceptor } from './sync-metrics-interceptor.js';
import type { WorkerTracing } from './tracing/worker-tracing.js';
import { workflowsEntryPath, type WorkflowCode } from './workflow-code.js';

export interface TributaryWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  activities: TributaryActivities;
  workflowCode: WorkflowCode;
  taskQueue?: string;
  identity?: string;
  /** sync attempts (queue wait, running, duration, records, bytes), for /metrics */
  metrics?: SyncMetrics;
  /** TRIBUTARY_TRACING=otlp (tracing/worker-tracing.ts): the workflows are then bundled at start-up with its interceptors */
  tracing?: WorkerTracing;
}

export function createTributaryWorker(options: TributaryWorkerOptions): Promise<Worker> {
  const { workflowCode, tracing } = options;
  const activityInterceptors = [...(options.metrics ? [syncMetricsInterceptor(options.metrics)] : []), ...(tracing?.activityInterceptors ?? [])];
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TRIBUTARY_TASK_QUEUE,
    // an explicit undefined would override the SDK's default identity
    ...(options.identity ? { identity: options.identity } : {}),
    activities: options.activities,
    ...(activityInterceptors.length > 0 || tracing
      ? { interceptors: { activity: activityInterceptors, ...(tracing ? { workflowModules: tracing.workflowInterceptorModules } : {}) } }
      : {}),
    ...(tracing ? { sinks: tracing.sinks } : {}),
    // a prebuilt bundle cannot take interceptors: with tracing, the sources are bundled here
    ...('bundlePath' in workflowCode && !tracing
      ? { workflowBundle: { codePath: workflowCode.bundlePath } }
      : { workflowsPath: 'workflowsPath' in workflowCode ? workflowCode.workflowsPath : workflowsEntryPath() }),
    // a cancel reaches an activity with the response to its next heartbeat: send them often
    // so connectors stop within seconds (the default throttle is up to 30-60 s)
    maxHeartbeatThrottleInterval: '1 second',
    defaultHeartbeatThrottleInterval: '1 second',
    // on SIGTERM, running syncs are cancelled (their attempt fails and is retried from state)
    shutdownGraceTime: '10 seconds',
  });
}
