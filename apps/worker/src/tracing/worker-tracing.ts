/**
 * The worker's tracing, when TRIBUTARY_TRACING=otlp: Temporal's OpenTelemetry interceptors
 * for activities and workflows (workflow spans leave the sandbox through a sink). Imported
 * only when tracing is on; off, the worker runs its prebuilt bundle with no interceptor.
 */
import { fileURLToPath } from 'node:url';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';

export interface WorkerTracing {
  activityInterceptors: ActivityInterceptorsFactory[];
  sinks: InjectedSinks<Record<string, never>>;
  /** bundled with the workflows at start-up: the prebuilt bundle has no interceptors */
  workflowInterceptorModules: string[];
  shutdown(): Promise<void>;
}

export async function startWorkerTracing(endpoint: string): Promise<WorkerTracing> {
  const { startTracing } = await import('@tributary/metrics/tracing');
  const otel = await import('@temporalio/interceptors-opentelemetry/lib/worker/index.js');
  const tracing = startTracing({ serviceName: 'tributary-worker', endpoint });
  return {
    activityInterceptors: [
      (ctx) => ({ inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx), outbound: new otel.OpenTelemetryActivityOutboundInterceptor(ctx) }),
    ],
    sinks: { exporter: otel.makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } as unknown as InjectedSinks<Record<string, never>>,
    workflowInterceptorModules: [fileURLToPath(new URL('./workflow-interceptors.js', import.meta.url))],
    shutdown: tracing.shutdown,
  };
}
