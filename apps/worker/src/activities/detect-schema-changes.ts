/**
 * Before a job's first attempt: discover the source, compare with the configured streams,
 * and act on the result. A breaking change disables the connection and fails the job as a
 * config error; non-breaking changes follow the connection's policy. Streams with a field
 * selection are compared on their selected fields (their configured schema lists only those).
 */
import type { FailureReason, LogSink } from '@tributary/domain';
import type { ConnectorLauncher } from '@tributary/launcher';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { diffCatalog, hasChanges, propagateChanges, type JobPersistence, type SyncConfig } from '@tributary/workflows';

export type SchemaDecision = { ok: true; catalog: ConfiguredAirbyteCatalog } | { ok: false; failure: FailureReason };

const configError = (message: string): FailureReason => ({ origin: 'source', type: 'config_error', message, timestamp: Date.now() });

export async function detectSchemaChanges(
  launcher: ConnectorLauncher,
  persistence: JobPersistence,
  connectionId: string,
  config: SyncConfig,
  onLog: LogSink,
  signal: AbortSignal,
): Promise<SchemaDecision> {
  const policy = config.nonBreakingChangesPolicy ?? 'ignore';
  const discovered = await launcher.discover(config.source.definition, config.source.config, { role: 'source', onLog, signal });
  if (!discovered.ok) return discovered;
  const diff = diffCatalog(config.catalog, discovered.value, config.fieldSelection);
  const log = (message: string) => onLog({ timestamp: Date.now(), level: 'info', origin: 'platform', message });
  if (!hasChanges(diff)) {
    log('schema: no changes since the connection was configured');
    return { ok: true, catalog: config.catalog };
  }
  log(`schema changed: ${JSON.stringify(diff)}`);
  if (diff.breaking.length > 0) {
    const reason = `breaking schema change: ${diff.breaking.join('; ')}`;
    await persistence.applySchemaChange(connectionId, { diff, discovered: discovered.value, disableReason: reason });
    return { ok: false, failure: configError(`${reason}; the connection was disabled, review its streams`) };
  }
  switch (policy) {
    case 'ignore':
      await persistence.applySchemaChange(connectionId, { diff, discovered: discovered.value });
      return { ok: true, catalog: config.catalog };
    case 'disable': {
      const reason = 'non-breaking schema change and the connection’s policy is to disable it';
      await persistence.applySchemaChange(connectionId, { diff, discovered: discovered.value, disableReason: reason });
      return { ok: false, failure: configError(reason) };
    }
    case 'propagate_columns':
    case 'propagate_fully': {
      const catalog = propagateChanges(config.catalog, discovered.value, policy, config.fieldSelection);
      await persistence.applySchemaChange(connectionId, { diff, discovered: discovered.value, catalog });
      log(`schema changes propagated (${policy}): ${catalog.streams.length} streams`);
      return { ok: true, catalog };
    }
  }
}
