'use client';

/** Connections, jobs and logs: typed libs/api-client calls and the shapes screens use. */
import { api, unwrap, type Schemas } from './api';

export type Connection = Schemas['ConnectionResponseDto'];
export type ConnectionStatus = Schemas['ConnectionStatusResponseDto'];
export type Job = Schemas['JobResponseDto'];
export type JobWithAttempts = Schemas['JobWithAttemptsResponseDto'];
export type DiscoveredStream = Schemas['DiscoveredStreamDto'];
export type StreamConfiguration = Schemas['StreamConfigurationDto'];
export type SyncMode = StreamConfiguration['syncMode'];
export type Schedule = Schemas['ScheduleDto'];
export type LogEntry = Schemas['LogEntryDto'];

export const SYNC_MODES: { value: SyncMode; label: string; needs: 'full_refresh' | 'incremental' }[] = [
  { value: 'full_refresh_overwrite', label: 'Full refresh | Overwrite', needs: 'full_refresh' },
  { value: 'full_refresh_append', label: 'Full refresh | Append', needs: 'full_refresh' },
  { value: 'incremental_append', label: 'Incremental | Append', needs: 'incremental' },
  { value: 'incremental_dedup', label: 'Incremental | Append + Deduped', needs: 'incremental' },
];

export const syncModeLabel = (mode: SyncMode) => SYNC_MODES.find((m) => m.value === mode)?.label ?? mode;

/** Every connection of the workspace, page after page (the list pages and searches them itself). */
/** What the list can be narrowed to by the API (`undefined`: every connection). */
export type ConnectionState = 'running' | 'failed' | 'disabled';

export async function listConnections(workspaceId: string, state?: ConnectionState): Promise<Connection[]> {
  const all: Connection[] = [];
  for (let offset = 0; ; offset += 1000) {
    const query = { workspaceId, limit: 1000, offset, ...(state ? { state } : {}) };
    const page = unwrap(await api().GET('/api/v1/connections', { params: { query } }));
    all.push(...page.data);
    if (!page.hasMore) return all;
  }
}

export async function getConnection(connectionId: string): Promise<Connection> {
  return unwrap(await api().GET('/api/v1/connections/{connectionId}', { params: { path: { connectionId } } }));
}

export async function getConnectionStatus(connectionId: string): Promise<ConnectionStatus> {
  return unwrap(await api().GET('/api/v1/connections/{connectionId}/status', { params: { path: { connectionId } } }));
}

export async function setConnectionEnabled(connectionId: string, enabled: boolean): Promise<Connection> {
  return unwrap(
    await api().PATCH('/api/v1/connections/{connectionId}', {
      params: { path: { connectionId } },
      body: { status: enabled ? 'active' : 'inactive' },
    }),
  );
}

export async function createConnection(body: Schemas['CreateConnectionDto']): Promise<Connection> {
  return unwrap(await api().POST('/api/v1/connections', { body }));
}

export async function discoverSource(sourceId: string, refresh = false): Promise<Schemas['SourceSchemaResponseDto']> {
  return unwrap(
    await api().POST('/api/v1/sources/{sourceId}/discover', { params: { path: { sourceId }, query: refresh ? { refresh: true } : {} } }),
  );
}

/** A sync, clear or refresh of the connection: of the given streams only, or of all. */
export type SchemaChanges = Schemas['SchemaChangesResponseDto'];

/** The source's newest discovered catalog against the connection's streams (discover the source first to look now). */
export async function getSchemaChanges(connectionId: string): Promise<SchemaChanges> {
  return unwrap(await api().GET('/api/v1/connections/{connectionId}/schema-changes', { params: { path: { connectionId } } }));
}

export async function startJob(
  connectionId: string,
  jobType: 'sync' | 'clear' | 'refresh' = 'sync',
  streams?: Schemas['JobStreamDto'][],
): Promise<Job> {
  return unwrap(await api().POST('/api/v1/jobs', { body: { connectionId, jobType, ...(streams ? { streams } : {}) } }));
}

export async function cancelJob(jobId: string): Promise<Job> {
  return unwrap(await api().POST('/api/v1/jobs/{jobId}/cancel', { params: { path: { jobId } } }));
}

export async function listJobs(connectionId: string, limit = 20): Promise<Job[]> {
  return unwrap(await api().GET('/api/v1/jobs', { params: { query: { connectionId, limit } } })).data;
}

const FINISHED_JOB_STATUSES = ['succeeded', 'failed', 'cancelled'];

/**
 * react-query options for one job's details, shared by every view of it: a finished job never
 * changes (read once), an unfinished one is read again every 2 s until it finishes.
 */
export const jobQuery = (jobId: string) => ({
  queryKey: ['job', jobId],
  queryFn: () => getJob(jobId),
  staleTime: (q: { state: { data?: JobWithAttempts } }) => (FINISHED_JOB_STATUSES.includes(q.state.data?.status ?? '') ? Number.POSITIVE_INFINITY : 0),
  refetchInterval: (q: { state: { data?: JobWithAttempts } }) => (FINISHED_JOB_STATUSES.includes(q.state.data?.status ?? '') ? false : 2_000),
});

export async function getJob(jobId: string): Promise<JobWithAttempts> {
  return unwrap(await api().GET('/api/v1/jobs/{jobId}', { params: { path: { jobId } } }));
}

/** Every log entry of an attempt, page after page. */
export async function attemptLogs(jobId: string, attemptNumber: number): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const result = unwrap(
      await api().GET('/api/v1/jobs/{jobId}/attempts/{attemptNumber}/logs', {
        params: { path: { jobId, attemptNumber }, query: { limit: 1000, ...(cursor ? { cursor } : {}) } },
      }),
    );
    entries.push(...result.entries);
    if (!result.nextCursor || result.entries.length === 0) break;
    cursor = result.nextCursor;
  }
  return entries;
}

export function describeSchedule(schedule: Schedule): string {
  switch (schedule.scheduleType) {
    case 'manual':
      return 'Manual';
    case 'basic':
      return `Every ${schedule.units} ${schedule.timeUnit}`;
    case 'cron':
      return `Cron ${schedule.cronExpression} (${schedule.timeZone ?? 'UTC'})`;
  }
}
