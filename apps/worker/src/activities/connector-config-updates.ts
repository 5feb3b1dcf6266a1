/**
 * A connector may replace its own configuration during a sync (CONTROL CONNECTOR_CONFIG: how
 * sources rotate OAuth refresh tokens). Each new config is saved as it arrives, so the next sync
 * starts with it even when this attempt fails afterwards; the attempt waits for the saves before
 * it ends. What is logged names the fields that changed, never their values.
 */
import type { ConnectorRole, LogSink } from '@tributary/domain';
import type { JobPersistence, SyncConfig } from '@tributary/workflows';
import type { ConnectorOutputMasking } from '../connector-output-masking.js';

export class ConnectorConfigUpdates {
  private readonly saves: Promise<void>[] = [];

  constructor(
    private readonly persistence: Pick<JobPersistence, 'saveConnectorConfig'>,
    private readonly actorIds: SyncConfig['actorIds'],
    private readonly masking: ConnectorOutputMasking,
    private readonly log: LogSink,
  ) {}

  /** replicate()'s onConfigUpdate */
  readonly onUpdate = (role: ConnectorRole, config: Record<string, unknown>): void => {
    if (role === 'source' || role === 'destination') this.saves.push(this.save(role, config));
  };

  private async save(role: 'source' | 'destination', config: Record<string, unknown>): Promise<void> {
    const write = (level: 'info' | 'warn', message: string) => this.log({ timestamp: Date.now(), level, origin: 'platform', message });
    try {
      const { secretValues, changedFields } = await this.persistence.saveConnectorConfig(this.actorIds[role], config);
      this.masking.add(secretValues);
      const fields = changedFields.length > 0 ? changedFields.join(', ') : 'nothing';
      write('info', `the ${role} replaced its configuration (CONTROL CONNECTOR_CONFIG; changed: ${fields}): saved for the next syncs, the previous one is kept`);
    } catch (error) {
      write('warn', `the ${role} sent a new configuration (CONTROL CONNECTOR_CONFIG) that was not saved, the stored one stays: ${(error as Error).message}`);
    }
  }

  /** Every save started so far has ended (each logs its own failure). */
  async settled(): Promise<void> {
    await Promise.all(this.saves);
  }
}
