/**
 * One SERVER span per API request, current while its handler runs, so the Temporal client
 * interceptor puts it in the headers of the workflow calls the request makes (start, signal,
 * update): the sync it starts is in the request's trace. Installed only with tracing on.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loggableUrl } from '../common/loggable-url.js';

export function installRequestSpans(fastify: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<FastifyRequest, Span>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    // a caller's traceparent continues its trace
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer.startSpan(
      `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
      // the URL without query: trigger tokens and cursors never go to the collector
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': loggableUrl(request.url).split('?')[0] } },
      parent,
    );
    spans.set(request, span);
    done();
  });
  // after the body is read, the handler (guards, pipes, controller, service) runs inside the span
  fastify.addHook('preHandler', (request, _reply, done) => {
    const span = spans.get(request);
    if (!span) return done();
    context.with(trace.setSpan(context.active(), span), () => done());
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      span.setAttribute('http.route', request.routeOptions.url ?? 'unmatched');
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}
