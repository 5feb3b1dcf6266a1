/**
 * The server's tracing, when TRIBUTARY_TRACING=otlp: request spans and the Temporal client
 * interceptor that carries them into workflow headers. With tracing off this returns
 * undefined and imports nothing of OpenTelemetry: the request path stays as it is.
 */
import type { Tracer } from '@opentelemetry/api';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ServerConfig } from '@tributary/config';

export interface ServerTracing {
  tracer: Tracer;
  /** for the server's Temporal client: start/signal/update carry the current span */
  workflowClientInterceptors: WorkflowClientInterceptor[];
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function startServerTracing(
  config: Pick<ServerConfig, 'TRIBUTARY_TRACING' | 'OTEL_EXPORTER_OTLP_ENDPOINT'>,
): Promise<ServerTracing | undefined> {
  if (config.TRIBUTARY_TRACING !== 'otlp') return undefined;
  const { startTracing } = await import('@tributary/metrics/tracing');
  const { OpenTelemetryWorkflowClientInterceptor } = await import('@temporalio/interceptors-opentelemetry/lib/client/index.js');
  const tracing = startTracing({ serviceName: 'tributary-server', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  return {
    tracer: tracing.tracer,
    workflowClientInterceptors: [new OpenTelemetryWorkflowClientInterceptor()],
    flush: tracing.flush,
    shutdown: tracing.shutdown,
  };
}
