/** The workflow implementations: the worker bundles this file (workflowsPath). */
import type { ConnectionWorkflow } from '../connection-contract.js';
import type { ConnectorCommandWorkflow } from '../connector-command-contract.js';
import type { SyncJobWorkflow } from '../sync-job-contract.js';
import type { connectionWorkflow } from './connection.workflow.js';
import type { connectorCommandWorkflow } from './connector-command.workflow.js';
import type { syncJobWorkflow } from './sync-job.workflow.js';

export { connectorCommandWorkflow } from './connector-command.workflow.js';
export { syncJobWorkflow } from './sync-job.workflow.js';
export { connectionWorkflow } from './connection.workflow.js';

/** Fails to compile when an implementation drifts from the signature its contract declares (what the server starts). */
type Implements<Contract, Implementation extends Contract> = Implementation;
export type CheckedWorkflows = [
  Implements<ConnectionWorkflow, typeof connectionWorkflow>,
  Implements<SyncJobWorkflow, typeof syncJobWorkflow>,
  Implements<ConnectorCommandWorkflow, typeof connectorCommandWorkflow>,
];
