/**
 * `@tributary/metrics/tracing`: OpenTelemetry traces sent over OTLP/HTTP. Loaded only when
 * TRIBUTARY_TRACING=otlp: with tracing off, no process imports this entry (nor the SDK).
 *
 * It registers the process-wide tracer provider (with an AsyncLocalStorage context manager
 * and W3C trace-context propagation), which Temporal's OpenTelemetry interceptors use too.
 */
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TracingOptions {
  /** `service.name` of every span, e.g. tributary-server */
  serviceName: string;
  /** the collector's OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); spans go to <endpoint>/v1/traces */
  endpoint: string;
}

export interface Tracing {
  tracer: Tracer;
  /** for Temporal's workflow span sink, which exports spans made inside workflows */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** sends the spans still buffered */
  flush(): Promise<void>;
  /** flushes, then stops exporting */
  shutdown(): Promise<void>;
}

export function startTracing({ serviceName, endpoint }: TracingOptions): Tracing {
  const resource = new Resource({ 'service.name': serviceName });
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  // batched: a request or an activity never waits for the collector
  const spanProcessor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return {
    tracer: provider.getTracer('tributary'),
    spanProcessor,
    resource,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
