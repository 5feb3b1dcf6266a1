/**
 * spec / check / discover through the launcher; connector failures are results. A saved
 * source or destination's config is loaded here by id (only unsaved configs travel, sealed).
 * A discovered catalog is stored for its source here and answered by id: it can be larger
 * than Temporal lets a payload be. Everything the connector says is masked with the config's
 * secret values before it leaves the worker.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { unsealJson } from '@tributary/db';
import type { ConnectorLauncher, LaunchResult, RunOptions } from '@tributary/launcher';
import type {
  ConnectorCommandInput,
  ConnectorCommandResult,
  ConnectorConfig,
  JobPersistence,
  SealedConnectorConfig,
} from '@tributary/workflows';
import { ConnectorOutputMasking } from '../connector-output-masking.js';
import { withDomainFailures } from '../domain-failure.js';

function unseal(secretKey: Buffer, sealed: string): ConnectorConfig {
  try {
    const { config, secretValues } = unsealJson(secretKey, sealed) as SealedConnectorConfig;
    return { config, secretValues };
  } catch {
    // the server and this worker do not share TRIBUTARY_SECRET_KEY: retrying cannot help
    throw ApplicationFailure.nonRetryable(
      'the connector config could not be decrypted: server and worker must share TRIBUTARY_SECRET_KEY',
      'SecretKeyMismatch',
    );
  }
}

function loadConfig(secretKey: Buffer, persistence: JobPersistence, input: ConnectorCommandInput): Promise<ConnectorConfig> {
  if (!input.config) return Promise.resolve({ config: {}, secretValues: [] });
  if ('sealed' in input.config) return Promise.resolve(unseal(secretKey, input.config.sealed));
  const { actorId } = input.config;
  return withDomainFailures(() => persistence.loadConnectorConfig(actorId));
}

export function connectorCommandActivity(unmasked: ConnectorLauncher, secretKey: Buffer, persistence: JobPersistence) {
  return async function runConnectorCommand(input: ConnectorCommandInput): Promise<ConnectorCommandResult> {
    const { info, cancellationSignal } = Context.current();
    // the workflow and the activity's attempt label the command's pod in Kubernetes
    const job = { id: info.workflowExecution?.workflowId ?? info.activityId, attempt: info.attempt };
    const options: RunOptions = { role: input.role, timeoutMs: input.timeoutMs, signal: cancellationSignal, job };
    const { config, secretValues } = await loadConfig(secretKey, persistence, input);
    const launcher = new ConnectorOutputMasking(secretValues).launcher(unmasked);
    let result: LaunchResult<unknown>;
    switch (input.command) {
      case 'spec':
        result = await launcher.spec(input.definition, options);
        break;
      case 'check':
        result = await launcher.check(input.definition, config, options);
        break;
      case 'discover': {
        const discovered = await launcher.discover(input.definition, config, options);
        // the workflow lets only a saved source's discover through: its catalog is stored for it
        const sourceId = input.config && 'actorId' in input.config ? input.config.actorId : '';
        result = discovered.ok
          ? { ok: true, value: { catalogId: await withDomainFailures(() => persistence.recordSourceCatalog(sourceId, discovered.value)) } }
          : discovered;
        break;
      }
    }
    // the switch pairs each command with its own output type
    return result.ok ? ({ ok: true, command: input.command, value: result.value } as ConnectorCommandResult) : { ok: false, failure: result.failure };
  };
}
