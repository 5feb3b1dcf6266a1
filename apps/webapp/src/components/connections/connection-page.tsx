'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
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
} from '@/lib/connections';
import { formatAgo, formatBytes, formatCount, formatDuration } from '@/lib/format';
import { EditorOnly, useCanEdit } from '../providers';
import { ShowApiCall } from '../show-api-call';
import { ErrorState, Loading, StatusBadge } from '../states';
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

/** A job's records, bytes, attempts and first failure (with whether it was retried), from its details. */
function JobSummaryCells({ jobId }: { jobId: string }) {
  const job = useQuery(jobQuery(jobId));
  const attempts = job.data?.attempts ?? [];
  const last = attempts.at(-1);
  const failure = [...attempts].reverse().find((a) => a.failureReasons.length > 0);
  const reason = failure?.failureReasons[0];
  return (
    <>
      <td className="num">{job.data ? formatCount(attempts.reduce((sum, a) => sum + (a.stats?.recordsCommitted ?? 0), 0)) : '…'}</td>
      <td className="num">{job.data ? formatBytes(attempts.reduce((sum, a) => sum + (a.stats?.bytesEmitted ?? 0), 0)) : '…'}</td>
      <td className="num">{job.data ? attempts.length : '…'}</td>
      <td className="small">
        {reason ? (
          <span className="error-text" title={reason.message}>
            {reason.origin}: {reason.message.length > 80 ? `${reason.message.slice(0, 80)}…` : reason.message}
            {failure?.nextStep ? <span className="muted"> ({failure === last ? failure.nextStep.split(':')[0] : 'retried'})</span> : null}
          </span>
        ) : null}
      </td>
    </>
  );
}

function JobHistory({ connectionId }: { connectionId: string }) {
  const jobs = useQuery({ queryKey: ['jobs', connectionId], queryFn: () => listJobs(connectionId), refetchInterval: 3_000 });
  const [open, setOpen] = useState<string | undefined>();
  if (jobs.isPending) return <Loading what="jobs" />;
  if (jobs.isError) return <ErrorState error={jobs.error} what="jobs" />;
  if (jobs.data.length === 0) return <p className="muted">No job yet: press “Sync now”.</p>;
  return (
    <div className="stack">
      <table>
        <thead>
          <tr>
            <th>Job</th>
            <th>Status</th>
            <th>Started</th>
            <th>Duration</th>
            <th className="num">Records</th>
            <th className="num">Bytes</th>
            <th className="num">Attempts</th>
            <th>Failure</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {jobs.data.map((job) => (
            <tr key={job.id} data-job={job.id}>
              <td>
                #{job.id} {job.jobType}
              </td>
              <td>
                <StatusBadge status={job.status} />
              </td>
              <td>{formatAgo(job.createdAt)}</td>
              <td>
                {['running', 'pending'].includes(job.status) ? '…' : formatDuration(Date.parse(job.updatedAt) - Date.parse(job.createdAt))}
              </td>
              <JobSummaryCells jobId={job.id} />
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
