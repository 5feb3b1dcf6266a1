/** spec / check / discover: one activity call; the server waits for the result. */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { TributaryActivities } from '../activities.js';
import { CONNECTOR_COMMAND_TIMEOUT_MS, type ConnectorCommandInput, type ConnectorCommandResult } from '../connector-command-contract.js';

export async function connectorCommandWorkflow(input: ConnectorCommandInput): Promise<ConnectorCommandResult> {
  if (input.command !== 'spec' && !input.config) {
    throw ApplicationFailure.nonRetryable(`${input.command} needs a config`, 'InvalidInput');
  }
  if (input.command === 'discover' && !(input.config && 'actorId' in input.config)) {
    throw ApplicationFailure.nonRetryable('discover needs a saved source: its catalog is stored for it', 'InvalidInput');
  }
  const timeoutMs = input.timeoutMs ?? CONNECTOR_COMMAND_TIMEOUT_MS;
  const { runConnectorCommand } = proxyActivities<TributaryActivities>({
    // the launcher enforces the connector timeout; Temporal's is a backstop for a lost worker
    startToCloseTimeout: timeoutMs + 30_000,
    // connector failures come back as results; only a lost worker is retried
    retry: { maximumAttempts: 2 },
  });
  return runConnectorCommand({ ...input, timeoutMs });
}
