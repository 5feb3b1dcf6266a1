import { Client, type Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import type { ServerConfig } from '@tributary/config';
import { CONNECTOR_COMMAND_TIMEOUT_MS } from '@tributary/workflows';

/** What the app receives to talk to Temporal (main.ts builds it from libs/config; tests pass their own). */
export interface TemporalDependencies {
  /** its namespace is the one workflows run in */
  client: Client;
  /** the task queue the workers poll (TEMPORAL_TASK_QUEUE) */
  taskQueue: string;
  /** how long spec/check/discover may take, connector installation included; default CONNECTOR_COMMAND_TIMEOUT_MS */
  connectorCommandTimeoutMs?: number;
  /** deadline of one control call (start, signal, query, describe); default 10 s */
  rpcTimeoutMs?: number;
  /** how long POST /jobs waits for the connection workflow to create the job; default 30 s */
  jobStartTimeoutMs?: number;
}

/** The dependencies main.ts gives the app: from the environment, over one (lazy) connection; interceptors when tracing. */
export function temporalDependenciesFrom(config: ServerConfig, connection: Connection, workflowInterceptors: WorkflowClientInterceptor[] = []): TemporalDependencies {
  return {
    client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, ...(workflowInterceptors.length > 0 ? { interceptors: { workflow: workflowInterceptors } } : {}) }),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(config.TRIBUTARY_CONNECTOR_COMMAND_TIMEOUT_MS ? { connectorCommandTimeoutMs: config.TRIBUTARY_CONNECTOR_COMMAND_TIMEOUT_MS } : {}),
  };
}

export type TemporalSettings = Required<TemporalDependencies> & { namespace: string };

export function temporalSettings(deps: TemporalDependencies): TemporalSettings {
  return {
    client: deps.client,
    taskQueue: deps.taskQueue,
    namespace: deps.client.options.namespace,
    connectorCommandTimeoutMs: deps.connectorCommandTimeoutMs ?? CONNECTOR_COMMAND_TIMEOUT_MS,
    rpcTimeoutMs: deps.rpcTimeoutMs ?? 10_000,
    jobStartTimeoutMs: deps.jobStartTimeoutMs ?? 30_000,
  };
}
