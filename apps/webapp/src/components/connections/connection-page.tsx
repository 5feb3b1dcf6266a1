'use client';

import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper, useTable } from '@tanstack/react-table';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { ApiError } from '@/lib/api';
import { getActor } from '@/lib/actors';
import {
  cancelJob,
  describeSchedule,
  getConnection,
  getConnectionStatus,
  jobQuery,
  listJobs,
  setConnectionEnabled,
  startJob,
  syncModeLabel,
  type ConnectionStatus,
  type Job,
  type JobWithAttempts,
} from '@/lib/connections';
import { formatAgo, formatBytes, formatCount, formatDuration } from '@/lib/format';
import { EditorOnly, useCanEdit } from '../providers';
import { ShowApiCall } from '../show-api-call';
import { ErrorState, Loading, StatusBadge } from '../states';
import { sortableFeatures } from '../table/features';
import { SortableHeader } from '../table/sortable-header';
import { ConnectionSettings, RecentSyncsChart, SchemaChangeNotice } from './connection-extras';
import { EditStreams } from './edit-streams';
import { JobDetails } from './job-details';

type Tab = 'status' | 'history' | 'streams' | 'settings';

export function ConnectionPage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const connection = useQuery({ queryKey: ['connection', id], queryFn: () => getConnection(id) });
  // live progress: a short poll of the status endpoint, faster while a job runs
  const status = useQuery({
    queryKey: ['status', id],
    queryFn: () => getConnectionStatus(id),
    refetchInterval: (q) => (q.state.data?.running ? 1_000 : 3_000),
  });
  const source = useQuery({
    queryKey: ['source', connection.data?.sourceId],
    queryFn: () => getActor('source', connection.data!.sourceId),
    enabled: !!connection.data,
  });
  const destination = useQuery({
    queryKey: ['destination', connection.data?.destinationId],
    queryFn: () => getActor('destination', connection.data!.destinationId),
    enabled: !!connection.data,
  });
  const canEdit = useCanEdit();
  const [tab, setTab] = useState<Tab>('status');
  const [editingStreams, setEditingStreams] = useState(false);
  const refresh = () =>
    Promise.all([queryClient.invalidateQueries({ queryKey: ['status', id] }), queryClient.invalidateQueries({ queryKey: ['jobs', id] })]);
  const sync = useMutation({ mutationFn: () => startJob(id), onSuccess: refresh });
  const clear = useMutation({ mutationFn: () => startJob(id, 'clear'), onSuccess: refresh });
  const clearStream = useMutation({
    mutationFn: (stream: { name: string; namespace?: string | null }) =>
      startJob(id, 'clear', [{ name: stream.name, ...(stream.namespace ? { namespace: stream.namespace } : {}) }]),
    onSuccess: refresh,
  });
  const cancel = useMutation({ mutationFn: (jobId: string) => cancelJob(jobId), onSuccess: refresh });
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => setConnectionEnabled(id, enabled),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['connection', id] }),
  });

  if (connection.isPending) return <Loading what="the connection" />;
  if (connection.isError) return <ErrorState error={connection.error} what="the connection" />;
  const c = connection.data;
  const running = status.data?.running;
  const actionError = [sync.error, clear.error, clearStream.error, cancel.error, toggle.error].find((e) => e instanceof ApiError) as
    ApiError | undefined;

  return (
    <>
      <div className="page-header">
        <div>
          <h1>{c.name}</h1>
          <p className="muted">
            <Link href={`/sources/${c.sourceId}`}>{source.data?.name ?? 'source'}</Link> →{' '}
            <Link href={`/destinations/${c.destinationId}`}>{destination.data?.name ?? 'destination'}</Link> ·{' '}
            {describeSchedule(c.schedule)}
          </p>
        </div>
        <div className="row">
          <label className="inline">
            <input
              type="checkbox"
              checked={c.status === 'active'}
              disabled={!canEdit || toggle.isPending}
              onChange={(e) => toggle.mutate(e.target.checked)}
            />{' '}
            Enabled
          </label>
          {!canEdit ? null : running ? (
            <button type="button" className="danger" disabled={cancel.isPending} onClick={() => cancel.mutate(running.jobId)}>
              {cancel.isPending ? 'Cancelling…' : 'Cancel sync'}
            </button>
          ) : (
            <button type="button" className="primary" disabled={sync.isPending} onClick={() => sync.mutate()}>
              {sync.isPending ? 'Starting…' : 'Sync now'}
            </button>
          )}
        </div>
      </div>
      <div aria-live="assertive">
        {actionError ? (
          <p role="alert" className="error-text">
            {actionError.message}
          </p>
        ) : null}
      </div>

      <SchemaChangeNotice connectionId={id} onReview={() => setTab('settings')} />

      <div className="tabs" role="tablist">
        {(['status', 'history', 'streams', 'settings'] as Tab[]).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
            {{ status: 'Status', history: 'Job history', streams: 'Streams', settings: 'Settings' }[t]}
          </button>
        ))}
      </div>

      {tab === 'status' ? (
        <div className="stack">
          <StatusPanel status={status.data} error={status.error} />
          <RecentSyncsChart connectionId={id} />
        </div>
      ) : null}
      {tab === 'settings' ? (
        <ConnectionSettings
          connection={c}
          destinationConfig={destination.data?.configuration}
          onClear={() => clear.mutate()}
          clearing={clear.isPending || !!running}
        />
      ) : null}
      {tab === 'history' ? <JobHistory connectionId={id} /> : null}
      {tab === 'streams' && editingStreams ? <EditStreams connection={c} onDone={() => setEditingStreams(false)} /> : null}
      {tab === 'streams' && !editingStreams ? (
        <div className="stack">
          <EditorOnly>
            <div>
              <button type="button" onClick={() => setEditingStreams(true)}>
                Edit streams
              </button>
            </div>
          </EditorOnly>
          <table>
            <thead>
              <tr>
                <th>Stream</th>
                <th>Sync mode</th>
                <th>Cursor</th>
                <th>Primary key</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {c.streams.map((s) => (
                <tr key={`${s.namespace ?? ''}.${s.name}`}>
                  <td>{s.name}</td>
                  <td>{syncModeLabel(s.syncMode)}</td>
                  <td>{s.cursorField?.join('.') ?? '—'}</td>
                  <td>{s.primaryKey?.map((k) => k.join('.')).join(', ') || '—'}</td>
                  <td>
                    {canEdit ? (
                    <button
                      type="button"
                      className="danger"
                      disabled={!!running || clearStream.isPending}
                      aria-label={`Clear ${s.name}`}
                      onClick={() =>
                        window.confirm(`Empty the destination table of ${s.name} and forget its state?`) && clearStream.mutate(s)
                      }
                    >
                      Clear
                    </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div style={{ marginTop: '1.5rem' }}>
        {running ? (
          <ShowApiCall method="POST" path={`/api/v1/jobs/${running.jobId}/cancel`} />
        ) : (
          <ShowApiCall method="POST" path="/api/v1/jobs" body={{ connectionId: id, jobType: 'sync' }} />
        )}
      </div>
    </>
  );
}

function StatusPanel({ status, error }: { status: ConnectionStatus | undefined; error: unknown }) {
  if (error) return <ErrorState error={error} what="the status" />;
  if (!status) return <Loading what="the status" />;
  const { running, lastSync } = status;
  return (
    <div className="stack">
      <div className="card spread">
        <div>
          {running ? (
            <StatusBadge status="running" />
          ) : lastSync ? (
            <StatusBadge status={lastSync.status} />
          ) : (
            <StatusBadge status="never" />
          )}{' '}
          {running ? (
            <span>
              {running.jobType} job {running.jobId} running for {formatDuration(Date.now() - Date.parse(running.startedAt))}
            </span>
          ) : lastSync ? (
            <span>
              last {lastSync.jobType} {lastSync.status} {formatAgo(lastSync.endedAt)}
            </span>
          ) : (
            <span>never synced</span>
          )}
        </div>
        <div className="muted">{status.nextRunAt ? `next run ${formatAgo(status.nextRunAt)}` : 'no scheduled run'}</div>
      </div>
      {running ? <LiveProgress running={running} /> : null}
    </div>
  );
}

function LiveProgress({ running }: { running: NonNullable<ConnectionStatus['running']> }) {
  const progress = running.progress;
  if (!progress) return <p role="status">Starting: installing and launching the connectors…</p>;
  const elapsedS = Math.max(1, (Date.parse(progress.updatedAt) - Date.parse(running.startedAt)) / 1000);
  return (
    <div className="card" role="status" aria-live="polite" data-testid="live-progress">
      <p>
        Attempt {progress.attemptNumber}: <strong data-testid="records-emitted">{formatCount(progress.recordsEmitted)}</strong> records read
        ({formatBytes(progress.bytesEmitted)}), {formatCount(progress.recordsCommitted)} committed ·{' '}
        {formatCount(Math.round(progress.recordsEmitted / elapsedS))} records/s
      </p>
      <table>
        <thead>
          <tr>
            <th>Stream</th>
            <th className="num">Records read</th>
            <th className="num">Bytes read</th>
            <th className="num">Records committed</th>
          </tr>
        </thead>
        <tbody>
          {progress.streams.map((s) => (
            <tr key={`${s.namespace ?? ''}.${s.name}`}>
              <td>{s.name}</td>
              <td className="num">{formatCount(s.recordsEmitted)}</td>
              <td className="num">{formatBytes(s.bytesEmitted)}</td>
              <td className="num">{formatCount(s.recordsCommitted)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface JobRow {
  job: Job;
  details: JobWithAttempts | undefined;
  /** undefined while the job runs */
  durationMs: number | undefined;
  records: number | undefined;
  bytes: number | undefined;
}

const jobColumn = createColumnHelper<typeof sortableFeatures, JobRow>();
// what the history sorts by (unknown values, of a job still loading, sort last); the cells are drawn below
const jobColumns = jobColumn.columns([
  jobColumn.accessor((r) => r.job.status, { id: 'status', sortFn: 'alphanumeric' }),
  jobColumn.accessor((r) => Date.parse(r.job.createdAt), { id: 'started', sortFn: 'basic' }),
  jobColumn.accessor((r) => r.durationMs, { id: 'duration', sortFn: 'basic', sortUndefined: 'last' }),
  jobColumn.accessor((r) => r.records, { id: 'records', sortFn: 'basic', sortUndefined: 'last' }),
  jobColumn.accessor((r) => r.bytes, { id: 'bytes', sortFn: 'basic', sortUndefined: 'last' }),
  jobColumn.accessor((r) => r.details?.attempts.length, { id: 'attempts', sortFn: 'basic', sortUndefined: 'last' }),
]);

const sum = (attempts: JobWithAttempts['attempts'], of: (s: NonNullable<JobWithAttempts['attempts'][number]['stats']>) => number) =>
  attempts.reduce((total, a) => total + (a.stats ? of(a.stats) : 0), 0);

// stable, so react-query hands back the same array while no job changed
const detailsOf = (results: { data?: JobWithAttempts }[]) => results.map((r) => r.data);

function jobRows(jobs: Job[], details: (JobWithAttempts | undefined)[]): JobRow[] {
  return jobs.map((job, i) => {
    const d = details[i];
    const finished = !['running', 'pending'].includes(job.status);
    return {
      job,
      details: d,
      durationMs: finished ? Date.parse(job.updatedAt) - Date.parse(job.createdAt) : undefined,
      records: d ? sum(d.attempts, (s) => s.recordsCommitted) : undefined,
      bytes: d ? sum(d.attempts, (s) => s.bytesEmitted) : undefined,
    };
  });
}

/** The first failure of a job (with whether it was retried). */
function FailureCell({ details }: { details: JobWithAttempts | undefined }) {
  const attempts = details?.attempts ?? [];
  const last = attempts.at(-1);
  const failure = [...attempts].reverse().find((a) => a.failureReasons.length > 0);
  const reason = failure?.failureReasons[0];
  return (
    <td className="small">
      {reason ? (
        <span className="error-text" title={reason.message}>
          {reason.origin}: {reason.message.length > 80 ? `${reason.message.slice(0, 80)}…` : reason.message}
          {failure?.nextStep ? <span className="muted"> ({failure === last ? failure.nextStep.split(':')[0] : 'retried'})</span> : null}
        </span>
      ) : null}
    </td>
  );
}

const EMPTY_JOBS: Job[] = [];

/** The connection's recent jobs, newest first until the user sorts: records, bytes and attempts from each job's details. */
function JobHistory({ connectionId }: { connectionId: string }) {
  const jobs = useQuery({ queryKey: ['jobs', connectionId], queryFn: () => listJobs(connectionId), refetchInterval: 3_000 });
  const list = jobs.data ?? EMPTY_JOBS;
  const details = useQueries({ queries: list.map((j) => jobQuery(j.id)), combine: detailsOf });
  const rows = useMemo(() => jobRows(list, details), [list, details]);
  const table = useTable({ features: sortableFeatures, columns: jobColumns, data: rows, getRowId: (r) => r.job.id, sortDescFirst: false });
  const [open, setOpen] = useState<string | undefined>();
  if (jobs.isPending) return <Loading what="jobs" />;
  if (jobs.isError) return <ErrorState error={jobs.error} what="jobs" />;
  if (jobs.data.length === 0) return <p className="muted">No job yet: press “Sync now”.</p>;
  const header = (id: string, label: string, className?: string) => (
    <SortableHeader column={table.getColumn(id)} className={className}>
      {label}
    </SortableHeader>
  );
  return (
    <div className="stack">
      <table>
        <thead>
          <tr>
            <th>Job</th>
            {header('status', 'Status')}
            {header('started', 'Started')}
            {header('duration', 'Duration')}
            {header('records', 'Records', 'num')}
            {header('bytes', 'Bytes', 'num')}
            {header('attempts', 'Attempts', 'num')}
            <th>Failure</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {table.getRowModel().rows.map(({ original: { job, details, durationMs, records, bytes } }) => (
            <tr key={job.id} data-job={job.id}>
              <td>
                #{job.id} {job.jobType}
              </td>
              <td>
                <StatusBadge status={job.status} />
              </td>
              <td>{formatAgo(job.createdAt)}</td>
              <td>{durationMs === undefined ? '…' : formatDuration(durationMs)}</td>
              <td className="num">{records === undefined ? '…' : formatCount(records)}</td>
              <td className="num">{bytes === undefined ? '…' : formatBytes(bytes)}</td>
              <td className="num">{details ? details.attempts.length : '…'}</td>
              <FailureCell details={details} />
              <td>
                <button
                  type="button"
                  className="link"
                  aria-expanded={open === job.id}
                  onClick={() => setOpen(open === job.id ? undefined : job.id)}
                >
                  {open === job.id ? 'Hide details' : 'Details and logs'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open ? <JobDetails jobId={open} /> : null}
    </div>
  );
}
