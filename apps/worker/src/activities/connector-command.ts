/** spec / check / discover through the launcher; connector failures are results. */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { unsealJson } from '@tributary/db';
import type { ConnectorLauncher, LaunchResult, RunOptions } from '@tributary/launcher';
import type { ConnectorCommandInput, ConnectorCommandResult } from '@tributary/workflows';

function openConfig(secretKey: Buffer, sealed: string | undefined): Record<string, unknown> {
  if (sealed === undefined) return {};
  try {
    return unsealJson(secretKey, sealed) as Record<string, unknown>;
  } catch {
    // the server and this worker do not share TRIBUTARY_SECRET_KEY: retrying cannot help
    throw ApplicationFailure.nonRetryable('the connector config could not be decrypted: server and worker must share TRIBUTARY_SECRET_KEY', 'SecretKeyMismatch');
  }
}

export function connectorCommandActivity(launcher: ConnectorLauncher, secretKey: Buffer) {
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
      case 'discover':
        result = await launcher.discover(input.definition, config, options);
        break;
    }
    // the switch pairs each command with its own output type
    return result.ok ? ({ ok: true, command: input.command, value: result.value } as ConnectorCommandResult) : result;
  };
}
