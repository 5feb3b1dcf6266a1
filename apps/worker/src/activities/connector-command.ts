/** spec / check / discover through the launcher; connector failures are results. */
import { Context } from '@temporalio/activity';
import type { ConnectorLauncher, LaunchResult, RunOptions } from '@tributary/launcher';
import type { ConnectorCommandInput, ConnectorCommandResult } from '@tributary/workflows';

export function connectorCommandActivity(launcher: ConnectorLauncher) {
  return async function runConnectorCommand(input: ConnectorCommandInput): Promise<ConnectorCommandResult> {
    const options: RunOptions = { timeoutMs: input.timeoutMs, signal: Context.current().cancellationSignal };
    const config = input.config ?? {};
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
