/**
 * A new job, in one transaction with the connection row locked: the one-active-job check,
 * the generation bump and state wipe of a clear or refresh, and the job's config snapshot.
 */
import { catalogWithSelectedFields, DomainError, ErrorCode, notFound } from '@tributary/domain';
import { destinationNamingOf } from '@tributary/replication';
import { In, QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import { type JobRequest, type JobTrigger } from '@tributary/workflows';
import { activeJobOf } from '../active-job.js';
import { ActorEntity, ConnectionEntity, ConnectionStateEntity } from '../entities/index.js';
import { stateTypeOf, withoutStreams } from '../state/state-messages.js';
import { bumpGenerations, fullRefreshStreams, jobCatalog, requestedStreams, type JobStreams } from './job-catalog.js';
import { actorSnapshot, type JobConfigSnapshot } from './job-snapshot.js';
import { isUuid } from './ids.js';

const ONE_ACTIVE_JOB_INDEX = 'uq_job_one_active_per_connection';

function alreadyRunning(connectionId: string, jobId: string | undefined): DomainError {
  return new DomainError(ErrorCode.Conflict, `job ${jobId ?? '(unknown)'} is already running on connection ${connectionId}`, {
    connectionId,
    jobId,
  });
}

function violatesOneActiveJob(err: unknown): boolean {
  const driverError = err instanceof QueryFailedError ? (err.driverError as { code?: string; constraint?: string }) : undefined;
  return driverError?.code === '23505' && driverError.constraint === ONE_ACTIVE_JOB_INDEX;
}

export async function createJob(
  dataSource: DataSource,
  connectionId: string,
  trigger: JobTrigger,
  request: JobRequest,
  requestId?: string,
): Promise<{ jobId: string }> {
  if (!isUuid(connectionId)) throw notFound('connection', connectionId);
  if (requestId !== undefined && !isUuid(requestId)) throw new DomainError(ErrorCode.ValidationFailed, `request id ${requestId} is not a UUID`);
  try {
    return await dataSource.transaction((manager) => createJobIn(manager, connectionId, trigger, request, requestId));
  } catch (err) {
    // the unique index is the last word (e.g. against a writer that does not lock the connection)
    if (violatesOneActiveJob(err)) throw alreadyRunning(connectionId, (await activeJobOf(dataSource.manager, connectionId))?.id);
    throw err;
  }
}

async function createJobIn(
  manager: EntityManager,
  connectionId: string,
  trigger: JobTrigger,
  request: JobRequest,
  requestId: string | undefined,
): Promise<{ jobId: string }> {
  const connection = await manager
    .getRepository(ConnectionEntity)
    .findOne({ where: { id: connectionId }, lock: { mode: 'pessimistic_write' } });
  if (!connection) throw notFound('connection', connectionId);
  if (requestId) {
    // a retry of a request whose first try committed: its job, whatever became of it
    const [created] = (await manager.query(`SELECT id::text AS id FROM job WHERE request_id = $1 AND connection_id = $2`, [
      requestId,
      connectionId,
    ])) as { id: string }[];
    if (created) return { jobId: created.id };
  }
  const running = await activeJobOf(manager, connectionId);
  if (running) throw alreadyRunning(connectionId, running.id);

  const streams = requestedStreams(connection.configuredCatalog, request);
  const catalog = request.kind === 'sync' ? connection.configuredCatalog : bumpGenerations(connection.configuredCatalog, streams.targets);
  // the id first: the snapshot's catalog carries it as sync_id
  const [{ id: jobId }] = (await manager.query(`SELECT nextval(pg_get_serial_sequence('job', 'id'))::text AS id`)) as [{ id: string }];
  const snapshot: JobConfigSnapshot = {
    kind: request.kind,
    trigger,
    // the stored schemas list only the selected fields already; cut here too, whoever wrote the connection
    catalog: catalogWithSelectedFields(jobCatalog(catalog, request.kind, streams.targets, jobId), connection.fieldSelection),
    fieldSelection: connection.fieldSelection,
    destinationNaming: destinationNamingOf(connection),
    ...(request.kind === 'clear' ? {} : { nonBreakingChangesPolicy: connection.nonBreakingChangesPolicy }),
    ...(await actorSnapshots(manager, connection)),
  };
  await manager.query(
    `INSERT INTO job (id, connection_id, job_type, status, streams, config_snapshot, request_id) VALUES ($1, $2, $3, 'running', $4::jsonb, $5::jsonb, $6)`,
    [
      jobId,
      connectionId,
      request.kind,
      request.kind === 'sync' || !request.streams ? null : JSON.stringify(streams.targets),
      JSON.stringify(snapshot),
      requestId ?? null,
    ],
  );
  if (request.kind !== 'sync') {
    await manager.query(`UPDATE connection SET configured_catalog = $2::jsonb, updated_at = now() WHERE id = $1`, [
      connectionId,
      JSON.stringify(catalog),
    ]);
    await wipeState(manager, connectionId, streams);
  }
  // a full refresh stream's state (e.g. the page a Python CDK source got to) only carries a read
  // between attempts of one job; passed to the next job, its final state would make it read nothing
  if (request.kind !== 'clear') await wipeState(manager, connectionId, { targets: fullRefreshStreams(catalog), everyStream: false }, true);
  return { jobId };
}

async function actorSnapshots(
  manager: EntityManager,
  connection: ConnectionEntity,
): Promise<Pick<JobConfigSnapshot, 'source' | 'destination'>> {
  const actors = await manager
    .getRepository(ActorEntity)
    .find({ where: { id: In([connection.sourceId, connection.destinationId]) }, relations: { definition: true } });
  const snapshot = (id: string, role: 'source' | 'destination') => {
    const actor = actors.find((a) => a.id === id);
    if (!actor?.definition) throw notFound(role, id);
    return actorSnapshot(actor, actor.definition);
  };
  return { source: snapshot(connection.sourceId, 'source'), destination: snapshot(connection.destinationId, 'destination') };
}

/**
 * A cleared or refreshed stream starts over: its committed state goes (see withoutStreams).
 * `keepLegacy`: a LEGACY state cannot be split, so it stays rather than lose other streams' state.
 */
async function wipeState(
  manager: EntityManager,
  connectionId: string,
  { targets, everyStream }: JobStreams,
  keepLegacy = false,
): Promise<void> {
  if (targets.length === 0) return;
  const repository = manager.getRepository(ConnectionStateEntity);
  const row = await repository.findOneBy({ connectionId });
  if (!row || (keepLegacy && stateTypeOf(row.state) === 'legacy')) return;
  const left = withoutStreams(row.state, targets, everyStream);
  if (left)
    await manager.query(`UPDATE connection_state SET state = $2::jsonb, updated_at = now() WHERE connection_id = $1`, [
      connectionId,
      JSON.stringify(left),
    ]);
  else await repository.delete({ connectionId });
}
