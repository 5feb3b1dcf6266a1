/**
 * Workflow interceptors, bundled only when tracing is on: Temporal's OpenTelemetry ones, plus
 * one hand-off. A sync is asked of the long-running connection workflow by an update, but the
 * job runs as a child workflow started from the workflow's main loop, whose span is the run's,
 * not the request's. So the trace context of the last runJob update goes into the headers of
 * the next child workflow it starts: the job, its workflow and activity spans land in the
 * trace of the API request that asked for it.
 */
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import type { Payload } from '@temporalio/common';
import type { WorkflowInterceptors } from '@temporalio/workflow';
import { runJobUpdate } from '@tributary/workflows';

/** where the OpenTelemetry interceptors keep the trace context in Temporal headers */
const TRACE_HEADER = '_tracer-data';

export const interceptors = (): WorkflowInterceptors => {
  let requestTrace: Payload | undefined;
  return {
    inbound: [
      new OpenTelemetryInboundInterceptor(),
      {
        handleUpdate(input, next) {
          const trace = input.headers[TRACE_HEADER];
          if (input.name === runJobUpdate.name && trace) requestTrace = trace;
          return next(input);
        },
      },
    ],
    // the first is outermost: this one, inside it, replaces the context it injected
    outbound: [
      new OpenTelemetryOutboundInterceptor(),
      {
        startChildWorkflowExecution(input, next) {
          const trace = requestTrace;
          requestTrace = undefined;
          return next(trace ? { ...input, headers: { ...input.headers, [TRACE_HEADER]: trace } } : input);
        },
      },
    ],
    internals: [new OpenTelemetryInternalsInterceptor()],
  };
};
