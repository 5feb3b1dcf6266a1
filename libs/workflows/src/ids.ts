/**
 * Workflow ids are derived from domain ids, so starting twice is refused by Temporal
 * (one connection workflow per connection, one sync workflow per job).
 */
export const connectionWorkflowId = (connectionId: string): string => `connection:${connectionId}`;
export const syncJobWorkflowId = (jobId: string): string => `sync-job:${jobId}`;
/** spec/check/discover are one-off: the caller picks a unique request id */
export const connectorCommandWorkflowId = (requestId: string): string => `connector-command:${requestId}`;

/** Workflow type names, for clients that start workflows by name. */
export const WORKFLOW_TYPES = {
  connectorCommand: 'connectorCommandWorkflow',
  syncJob: 'syncJobWorkflow',
  connection: 'connectionWorkflow',
} as const;
