/**
 * spec / check / discover through the launcher; connector failures are results. A discovered
 * catalog is stored for its source here and answered by id: it can be larger than Temporal
 * lets a payload be.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { DomainError, ErrorCode, unsealJson } from '@tributary/db';
import type { ConnectorLauncher, LaunchResult, RunOptions } from '@tributary/launcher';
import type { AirbyteCatalog } from '@tributary/protocol';
import type { ConnectorCommandInput, ConnectorCommandResult, JobPersistence } from '@tributary/workflows';

function openConfig(secretKey: Buffer, sealed: string | undefined): Record<string, unknown> {
  if (sealed === undefined) return {};
  try {
    return unsealJson(secretKey, sealed) as Record<string, unknown>;
  } catch {
    // the server and this worker do not share TRIBUTARY_SECRET_KEY: retrying cannot help
    throw ApplicationFailure.nonRetryable(
      'the connector config could not be decrypted: server and worker must share TRIBUTARY_SECRET_KEY',
      'SecretKeyMismatch',
    );
  }
}

async function storeCatalog(
  persistence: JobPersistence,
  sourceId: string | undefined,
  catalog: AirbyteCatalog,
): Promise<{ catalogId: string }> {
  if (sourceId === undefined)
    throw ApplicationFailure.nonRetryable('discover needs the id of the source the catalog is for', 'MissingSourceId');
  try {
    return { catalogId: await persistence.recordSourceCatalog(sourceId, catalog) };
  } catch (error) {
    if (error instanceof DomainError && error.code === ErrorCode.NotFound) {
      throw ApplicationFailure.nonRetryable(`source ${sourceId} no longer exists`, 'SourceNotFound');
    }
    throw error;
  }
}

export function connectorCommandActivity(launcher: ConnectorLauncher, secretKey: Buffer, persistence: JobPersistence) {
  return async function runConnectorCommand(input: ConnectorCommandInput): Promise<ConnectorCommandResult> {
    const options: RunOptions = { role: input.role, timeoutMs: input.timeoutMs, signal: Context.current().cancellationSignal };
    const config = openConfig(secretKey, input.sealedConfig);
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
        result = discovered.ok ? { ok: true, value: await storeCatalog(persistence, input.sourceId, discovered.value) } : discovered;
        break;
      }
    }
    // the switch pairs each command with its own output type
    return result.ok ? ({ ok: true, command: input.command, value: result.value } as ConnectorCommandResult) : result;
  };
}
