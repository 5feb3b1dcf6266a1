/**
 * spec / check / discover, answered synchronously: the server never runs connectors
 * itself, it starts connectorCommandWorkflow on the workers' task queue and waits. How
 * each outcome maps to HTTP: connector-command-problems.ts.
 */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TimeoutFailure, WorkflowFailedError } from '@temporalio/client';
import type { ActorDefinitionEntity, ActorType } from '@tributary/db';
import {
  WORKFLOW_TYPES,
  connectorCommandWorkflowId,
  type ConnectorCommand,
  type ConnectorCommandOutputs,
  type ConnectorCommandResult,
  type ConnectorCommandWorkflow,
} from '@tributary/workflows';
import { SECRET_KEY } from '../infrastructure/tokens.js';
import { connectorCommandInput, type CommandConfig } from './connector-command-input.js';
import { connectorFailureProblem, connectorTimeoutProblem, workerFailedProblem } from './connector-command-problems.js';
import { TemporalRpc } from './temporal-rpc.js';
import { WorkerAvailability } from './worker-availability.js';

/**
 * The connector is killed by the worker this long after the workflow's own timeout, so that
 * Temporal's timeout (a clear 504) always fires first.
 */
const CONNECTOR_KILL_GRACE_MS = 5_000;

export interface ConnectorCommandRequest<C extends ConnectorCommand> {
  command: C;
  /** who the connector is: failures are reported with this origin */
  actorType: ActorType;
  definition: Pick<ActorDefinitionEntity, 'name' | 'version' | 'runtime' | 'image' | 'resourceRequirements'>;
  /** check and discover: a saved actor (discover: the source the worker stores the catalog for) or an unsaved config */
  config?: CommandConfig;
}

@Injectable()
export class ConnectorCommandsService {
  constructor(
    @Inject(TemporalRpc) private readonly rpc: TemporalRpc,
    @Inject(WorkerAvailability) private readonly workers: WorkerAvailability,
    @Inject(SECRET_KEY) private readonly secretKey: Buffer,
  ) {}

  /** Runs the command on a worker and returns its output; every failure is an ApiProblem (connector-command-problems.ts). */
  async run<C extends ConnectorCommand>(request: ConnectorCommandRequest<C>): Promise<ConnectorCommandOutputs[C]> {
    await this.workers.ensureWorkerPolling();
    const { taskQueue, connectorCommandTimeoutMs: timeoutMs } = this.rpc.settings;
    const label = `${request.definition.name} ${request.definition.version} ${request.command}`;

    const input = connectorCommandInput(
      this.secretKey,
      request.command,
      request.actorType,
      request.definition,
      request.config,
      timeoutMs + CONNECTOR_KILL_GRACE_MS,
    );
    const handle = await this.rpc.control(`start ${label}`, () =>
      this.rpc.client.workflow.start<ConnectorCommandWorkflow>(WORKFLOW_TYPES.connectorCommand, {
        taskQueue,
        workflowId: connectorCommandWorkflowId(randomUUID()),
        args: [input],
        workflowExecutionTimeout: timeoutMs,
      }),
    );
    let result: ConnectorCommandResult;
    try {
      // no control deadline: the wait is bounded by the workflow's execution timeout
      result = await handle.result();
    } catch (error) {
      if (error instanceof WorkflowFailedError && error.cause instanceof TimeoutFailure)
        throw connectorTimeoutProblem(label, timeoutMs, handle.workflowId);
      if (error instanceof WorkflowFailedError) throw workerFailedProblem(label, error);
      return this.rpc.unavailable(`wait for ${label}`, error);
    }
    if (!result.ok) throw connectorFailureProblem(result.failure, request.actorType, label);
    if (result.command !== request.command) throw new Error(`${label}: the workflow answered a ${result.command}`);
    return result.value as ConnectorCommandOutputs[C];
  }
}
