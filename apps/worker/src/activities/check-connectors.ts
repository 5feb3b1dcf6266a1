/**
 * Before retrying a failed sync, check both connectors: a source or destination whose
 * check now fails (revoked credentials, dropped database) ends the job at once with a
 * config error naming the side, instead of burning through the retry budget.
 */
import type { FailureReason, LogSink } from '@tributary/domain';
import type { ConnectorLauncher } from '@tributary/launcher';
import type { SyncConfig } from '@tributary/workflows';

export const CHECK_TIMEOUT_MS = 5 * 60_000;

export async function checkConnectors(
  launcher: ConnectorLauncher,
  config: SyncConfig,
  roles: readonly ('source' | 'destination')[],
  onLog: LogSink,
  signal: AbortSignal,
): Promise<FailureReason | undefined> {
  for (const role of roles) {
    const side = config[role];
    const result = await launcher.check(side.definition, side.config, { role, onLog, signal, timeoutMs: CHECK_TIMEOUT_MS });
    if (!result.ok) return result.failure;
    onLog({ timestamp: Date.now(), level: 'info', origin: 'platform', message: `checked ${role}: ${result.value.status}` });
    if (result.value.status === 'FAILED') {
      return {
        origin: role,
        type: 'config_error',
        message: `${role} check failed: ${result.value.message ?? 'no reason given'}`,
        timestamp: Date.now(),
      };
    }
  }
  return undefined;
}
