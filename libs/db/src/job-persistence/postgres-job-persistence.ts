/**
 * The worker's persistence port (libs/workflows JobPersistence) on Postgres. Each method is
 * one short transaction; the modules beside this one hold the logic.
 */
import { notFound } from '@tributary/domain';
import type { DataSource } from 'typeorm';
import type { AirbyteCatalog, StreamDescriptor } from '@tributary/protocol';
import type { ReplicationProgress, ReplicationState, ReplicationTotals } from '@tributary/replication';
import type {
  AttemptOutcome,
  AttemptRef,
  ConnectionSettings,
  ConnectorConfig,
  JobPersistence,
  JobRef,
  JobRequest,
  JobTrigger,
  SchemaChange,
  SyncConfig,
  SyncJobResult,
} from '@tributary/workflows';
import { ActorEntity, ConnectionEntity, ConnectionStateEntity, JobEntity } from '../entities/index.js';
import { applySchemaChange } from './schema-change.js';
import { recordSourceCatalog } from './source-catalogs.js';
import { createAttempt, finishAttempt, finishJob, persistProgress, persistState } from './attempts.js';
import { loadConnectorConfig, loadConnectorSides } from './connector-sides.js';
import { createJob } from './create-job.js';
import { startNewGenerations } from './new-generations.js';
import { saveConnectorConfig } from './connector-config-update.js';
import { isJobId, isUuid } from './ids.js';
import { readSnapshot } from './job-snapshot.js';
import { issueRunnerToken, loadProgress, loadRunnerOutcome } from './runner.js';

export class PostgresJobPersistence implements JobPersistence {
  /** `secretKey`: TRIBUTARY_SECRET_KEY, to decrypt connector configs */
  constructor(
    private readonly dataSource: DataSource,
    private readonly secretKey: Buffer,
  ) {}

  async loadConnectionSettings(connectionId: string): Promise<ConnectionSettings> {
    const connection = isUuid(connectionId)
      ? await this.dataSource
          .getRepository(ConnectionEntity)
          .findOne({ where: { id: connectionId }, select: { id: true, status: true, schedule: true } })
      : null;
    if (!connection) return { connectionId, status: 'deleted', schedule: { type: 'manual' } };
    return { connectionId, status: connection.status, schedule: connection.schedule };
  }

  async loadSyncConfig({ connectionId, jobId }: JobRef): Promise<SyncConfig> {
    const job =
      isJobId(jobId) && isUuid(connectionId)
        ? await this.dataSource
            .getRepository(JobEntity)
            .findOne({ where: { id: jobId, connectionId }, select: { id: true, configSnapshot: true } })
        : null;
    if (!job) throw notFound('job', jobId);
    const snapshot = readSnapshot(jobId, job.configSnapshot);
    const sides = await loadConnectorSides(this.dataSource.manager, this.secretKey, {
      source: snapshot.source.actorId,
      destination: snapshot.destination.actorId,
    });
    return {
      kind: snapshot.kind,
      actorIds: { source: snapshot.source.actorId, destination: snapshot.destination.actorId },
      source: sides.source.side,
      destination: sides.destination.side,
      catalog: snapshot.catalog,
      destinationNaming: snapshot.destinationNaming ?? { namespace: 'source' },
      fieldSelection: snapshot.fieldSelection ?? [],
      ...(snapshot.nonBreakingChangesPolicy ? { nonBreakingChangesPolicy: snapshot.nonBreakingChangesPolicy } : {}),
      ...(snapshot.nonBreakingChangesPolicy ? await this.configuredFrom(connectionId) : {}),
      secretValues: [...new Set([...sides.source.secrets, ...sides.destination.secrets])],
      ...(await this.connectionResources(connectionId)),
    };
  }

  /** the connection's own resource requirements, as they are now (like its sides' definitions) */
  private async connectionResources(connectionId: string): Promise<Pick<SyncConfig, 'connectionResources'>> {
    const row = await this.dataSource
      .getRepository(ConnectionEntity)
      .findOne({ where: { id: connectionId }, select: { id: true, resourceRequirements: true } });
    return row?.resourceRequirements ? { connectionResources: row.resourceRequirements } : {};
  }

  /** the source catalog the connection's streams were chosen from (the newest it acknowledged) */
  private async configuredFrom(connectionId: string): Promise<Pick<SyncConfig, 'sourceCatalog'>> {
    const row = await this.dataSource
      .getRepository(ConnectionEntity)
      .findOne({ where: { id: connectionId }, select: { id: true, sourceCatalogId: true }, relations: { sourceCatalog: true } });
    return row?.sourceCatalog ? { sourceCatalog: row.sourceCatalog.catalog } : {};
  }

  saveConnectorConfig(actorId: string, config: Record<string, unknown>): Promise<{ secretValues: string[]; changedFields: string[] }> {
    if (!isUuid(actorId)) return Promise.reject(notFound('source or destination', actorId));
    return saveConnectorConfig(this.dataSource, this.secretKey, actorId, config);
  }

  loadConnectorConfig(actorId: string): Promise<ConnectorConfig> {
    if (!isUuid(actorId)) return Promise.reject(notFound('source or destination', actorId));
    return loadConnectorConfig(this.dataSource.manager, this.secretKey, actorId);
  }

  async loadState(connectionId: string): Promise<ReplicationState | undefined> {
    if (!isUuid(connectionId)) return undefined;
    const row = await this.dataSource.getRepository(ConnectionStateEntity).findOneBy({ connectionId });
    return row && row.state.length > 0 ? row.state : undefined;
  }

  createJob(connectionId: string, trigger: JobTrigger, request: JobRequest, requestId?: string): Promise<{ jobId: string }> {
    return createJob(this.dataSource, connectionId, trigger, request, requestId);
  }

  startNewGenerations(connectionId: string, streams: readonly StreamDescriptor[]): Promise<Map<string, number>> {
    return startNewGenerations(this.dataSource, connectionId, streams);
  }

  createAttempt(jobId: string): Promise<{ attemptNumber: number }> {
    return createAttempt(this.dataSource, jobId);
  }

  persistState(ref: AttemptRef, state: ReplicationState, totals: ReplicationTotals): Promise<void> {
    return persistState(this.dataSource, ref, state, totals);
  }

  persistProgress(ref: AttemptRef, progress: ReplicationProgress): Promise<void> {
    return persistProgress(this.dataSource, ref, progress);
  }

  loadProgress(ref: AttemptRef): Promise<ReplicationProgress | undefined> {
    return loadProgress(this.dataSource, ref);
  }

  issueRunnerToken(ref: AttemptRef): Promise<string> {
    return issueRunnerToken(this.dataSource, ref);
  }

  loadRunnerOutcome(ref: AttemptRef): Promise<AttemptOutcome | undefined> {
    return loadRunnerOutcome(this.dataSource, ref);
  }

  finishAttempt(ref: AttemptRef, outcome: AttemptOutcome, nextStep?: string): Promise<void> {
    return finishAttempt(this.dataSource, ref, outcome, nextStep);
  }

  finishJob(jobId: string, result: SyncJobResult): Promise<void> {
    return finishJob(this.dataSource, jobId, result);
  }

  applySchemaChange(connectionId: string, change: SchemaChange): Promise<void> {
    return applySchemaChange(this.dataSource, connectionId, change);
  }

  async recordSourceCatalog(sourceId: string, catalog: AirbyteCatalog): Promise<string> {
    if (!isUuid(sourceId) || !(await this.dataSource.getRepository(ActorEntity).existsBy({ id: sourceId, actorType: 'source' }))) {
      throw notFound('source', sourceId);
    }
    return recordSourceCatalog(this.dataSource.manager, sourceId, catalog);
  }
}
