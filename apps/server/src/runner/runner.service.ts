/**
 * What a replication pod reports about its attempt, written where the in-process path writes it:
 * progress, committed state and connector config updates through JobPersistence, log lines to
 * the attempt's log in this server's storage (masked), the outcome on the attempt row for the
 * worker to read once the pod has ended.
 */
import { DomainError, ErrorCode, maskSecrets, type LogEntry } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { parseStateMessages, PostgresJobPersistence, recordAttemptLogLocation, saveRunnerOutcome, stateTypeOf } from '@tributary/db';
import type { AirbyteStateMessage } from '@tributary/protocol';
import type { ReplicationProgress, ReplicationTotals } from '@tributary/replication';
import { attemptLogKey, type Storage } from '@tributary/storage';
import type { AttemptOutcome, AttemptRef } from '@tributary/workflows';
import { DATA_SOURCE, SECRET_KEY } from '../infrastructure/tokens.js';
import { LOG_STORAGE } from '../logs/logs.tokens.js';

@Injectable()
export class RunnerService {
  private readonly persistence: PostgresJobPersistence;
  /** per attempt log key: the tail of its chain of appends (one call at a time, so lines keep their order) */
  private readonly logChains = new Map<string, Promise<void>>();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SECRET_KEY) secretKey: Buffer,
    @Inject(LOG_STORAGE) private readonly storage: Storage,
  ) {
    this.persistence = new PostgresJobPersistence(dataSource, secretKey);
  }

  persistProgress(attempt: AttemptRef, progress: ReplicationProgress): Promise<void> {
    return this.persistence.persistProgress(attempt, progress);
  }

  /** Resolves once the state is durable (the transaction committed). */
  async persistState(attempt: AttemptRef, state: Record<string, unknown>[], totals: ReplicationTotals): Promise<void> {
    const messages = this.checkedState(state);
    try {
      await this.persistence.persistState(attempt, messages, totals);
    } catch (error) {
      // the attempt finished between the credential check and the write (the worker gave up on it)
      if (error instanceof Error && /is not running/.test(error.message)) throw new DomainError(ErrorCode.Conflict, error.message);
      throw error;
    }
  }

  private checkedState(state: Record<string, unknown>[]): AirbyteStateMessage[] {
    if (state.length === 0) return [];
    const stateType = stateTypeOf(state as AirbyteStateMessage[]);
    const parsed = stateType ? parseStateMessages(stateType, state) : { errors: [{ path: '/state/0/type', message: 'is not a state type' }] };
    if ('errors' in parsed) {
      throw new DomainError(ErrorCode.ValidationFailed, parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; '), { fieldErrors: parsed.errors });
    }
    return parsed.state;
  }

  /** Appends to the attempt's log, masked with the attempt's secrets; resolves when durable. */
  appendLogs(attempt: AttemptRef, entries: LogEntry[]): Promise<void> {
    const key = attemptLogKey(attempt);
    const previous = this.logChains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.append(attempt, key, entries));
    // the chain goes on after a failed call (that caller hears of it)
    const tail = next.catch(() => undefined);
    this.logChains.set(key, tail);
    void tail.then(() => {
      if (this.logChains.get(key) === tail) this.logChains.delete(key);
    });
    return next;
  }

  private async append(attempt: AttemptRef, key: string, entries: LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const { secretValues } = await this.persistence.loadSyncConfig(attempt);
    const mask = maskSecrets(secretValues);
    await recordAttemptLogLocation(this.dataSource, attempt, { storage: { id: await this.storage.identify(), location: this.storage.location }, key });
    const appender = await this.storage.openAppender(key);
    for (const entry of entries) appender.write({ ...entry, message: mask(entry.message) });
    await appender.close();
  }

  /** A connector's own new config (CONTROL CONNECTOR_CONFIG) for the attempt's source or destination. */
  async saveConnectorConfig(attempt: AttemptRef, role: 'source' | 'destination', config: Record<string, unknown>): Promise<{ changedFields: string[] }> {
    const { actorIds } = await this.persistence.loadSyncConfig(attempt);
    const { changedFields } = await this.persistence.saveConnectorConfig(actorIds[role], config);
    return { changedFields };
  }

  saveOutcome(attempt: AttemptRef, outcome: AttemptOutcome): Promise<void> {
    return saveRunnerOutcome(this.dataSource, attempt, outcome);
  }
}
