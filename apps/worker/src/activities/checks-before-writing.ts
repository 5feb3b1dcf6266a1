/**
 * What must hold before the destination may receive a record of an attempt, run beside the
 * source's read instead of before it (each is a connector start-up: 2-3 s for a Python one):
 * - after a failed attempt or job, both connectors' check (a config error ends the job);
 * - on a job's first attempt, schema-change detection (a discover; a breaking change disables
 *   the connection and fails the job).
 * The replicate activity holds the destination's input behind the verdict (the engine's
 * destinationGate), so a breaking change or a failed check never writes anything.
 */
import type { FailureReason, LogSink } from '@tributary/domain';
import type { ConnectorLauncher } from '@tributary/launcher';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import type { JobPersistence, SyncConfig } from '@tributary/workflows';
import { checkConnectors } from './check-connectors.js';
import { detectSchemaChanges } from './detect-schema-changes.js';

/** ok: the catalog to sync (the configured one itself, or a new one when changes were propagated) */
export type WriteVerdict = { ok: true; catalog: ConfiguredAirbyteCatalog } | { ok: false; failure: FailureReason };

export interface ChecksBeforeWriting {
  connectionId: string;
  config: SyncConfig;
  /** the connectors to check; none: no check */
  checkRoles: readonly ('source' | 'destination')[];
  detectSchemaChanges: boolean;
}

export async function checksBeforeWriting(
  launcher: ConnectorLauncher,
  persistence: JobPersistence,
  what: ChecksBeforeWriting,
  onLog: LogSink,
  signal: AbortSignal,
): Promise<WriteVerdict> {
  const { config } = what;
  const [checkFailure, schema] = await Promise.all([
    what.checkRoles.length > 0 ? checkConnectors(launcher, config, what.checkRoles, onLog, signal) : undefined,
    what.detectSchemaChanges
      ? detectSchemaChanges(launcher, persistence, what.connectionId, config, onLog, signal)
      : ({ ok: true, catalog: config.catalog } as const),
  ]);
  // a failed check says more than what a discover against the same broken config found
  if (checkFailure) return { ok: false, failure: checkFailure };
  return schema;
}

/** The engine's destinationGate for a verdict: open only for the catalog the read started with. */
export function destinationGateOf(verdict: Promise<WriteVerdict>, readCatalog: ConfiguredAirbyteCatalog): Promise<FailureReason | undefined> {
  return verdict.then((v) => {
    if (!v.ok) return v.failure;
    if (v.catalog === readCatalog) return undefined;
    // propagated changes: this read's records do not match the new catalog; it starts again
    return { origin: 'platform', type: 'transient_error', message: 'the schema changed: the sync starts again with the propagated catalog', timestamp: Date.now() };
  });
}
