/** The workflow implementations: the worker bundles this file (workflowsPath). */
export { connectorCommandWorkflow } from './connector-command.workflow.js';
export { syncJobWorkflow } from './sync-job.workflow.js';
export { connectionWorkflow } from './connection.workflow.js';
