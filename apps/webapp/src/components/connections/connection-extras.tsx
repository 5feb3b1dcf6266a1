'use client';

import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '@/lib/api';
import { discoverSource, getJob, listJobs, type Connection, type Schedule } from '@/lib/connections';
import { formatCount, formatDuration } from '@/lib/format';
import { ShowApiCall } from '../show-api-call';
import { ErrorState } from '../states';
import { ScheduleFields } from './new-connection';
import { streamKey } from './stream-choices';

/** Records committed and duration of the recent jobs, oldest left: one bar per job. */
export function RecentSyncsChart({ connectionId }: { connectionId: string }) {
  const jobs = useQuery({ queryKey: ['jobs', connectionId], queryFn: () => listJobs(connectionId), refetchInterval: 5_000 });
  const recent = (jobs.data ?? [])
    .filter((j) => ['succeeded', 'failed', 'cancelled'].includes(j.status))
    .slice(0, 12)
    .reverse();
  const details = useQueries({
    queries: recent.map((j) => ({ queryKey: ['job', j.id], queryFn: () => getJob(j.id), staleTime: Number.POSITIVE_INFINITY })),
  });
  const bars = recent.map((job, i) => {
    const attempts = details[i]?.data?.attempts ?? [];
    const records = attempts.reduce((sum, a) => sum + (a.stats?.recordsCommitted ?? 0), 0);
    return { job, records, ms: Date.parse(job.updatedAt) - Date.parse(job.createdAt) };
  });
  if (bars.length === 0) return null;
  const max = Math.max(1, ...bars.map((b) => b.records));
  const width = 36;
  return (
    <figure className="card" style={{ margin: 0 }}>
      <figcaption className="small muted">Records committed by the last {bars.length} jobs (hover for duration)</figcaption>
      <svg
        role="img"
        aria-label="Records committed per recent job"
        width={bars.length * width}
        height={110}
        style={{ display: 'block', marginTop: '0.5rem' }}
      >
        {bars.map((b, i) => {
          const h = Math.max(2, (b.records / max) * 80);
          const color = b.job.status === 'succeeded' ? 'var(--ok)' : b.job.status === 'failed' ? 'var(--bad)' : 'var(--muted)';
          return (
            <g key={b.job.id}>
              <title>{`job #${b.job.id} ${b.job.status}: ${formatCount(b.records)} records in ${formatDuration(b.ms)}`}</title>
              <rect x={i * width + 6} y={90 - h} width={width - 12} height={h} fill={color} rx={3} />
              <text x={i * width + width / 2} y={104} fontSize={10} textAnchor="middle" fill="currentColor">
                #{b.job.id}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/**
 * Re-discovers the source and compares it with the connection's streams: new streams,
 * streams gone (breaking for a connection that syncs them).
 */
export function SchemaReview({ connection }: { connection: Connection }) {
  const discover = useMutation({ mutationFn: () => discoverSource(connection.sourceId, true) });
  const configured = new Set(connection.streams.map(streamKey));
  const discovered = discover.data?.streams ?? [];
  const added = discovered.filter((s) => !configured.has(streamKey(s)));
  const removed = connection.streams.filter((s) => !discovered.some((d) => streamKey(d) === streamKey(s)));
  return (
    <section className="stack">
      <div className="row">
        <button type="button" onClick={() => discover.mutate()} disabled={discover.isPending}>
          {discover.isPending ? 'Discovering…' : 'Refresh source schema'}
        </button>
        <span className="muted small">Runs the source&apos;s discover again and compares it with this connection.</span>
      </div>
      {discover.isError ? <ErrorState error={discover.error} what="the source's schema" /> : null}
      {discover.data ? (
        <div className="card" role="status" aria-live="polite" data-testid="schema-review">
          {added.length === 0 && removed.length === 0 ? <p>No stream added or removed since this connection was set up.</p> : null}
          {added.length > 0 ? <p>New streams you can add: {added.map((s) => s.name).join(', ')}</p> : null}
          {removed.length > 0 ? (
            <p className="error-text">
              <strong>Breaking:</strong> streams this connection syncs are gone from the source: {removed.map((s) => s.name).join(', ')}
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** Name, schedule and clearing the synced data. */
export function ConnectionSettings({ connection, onClear, clearing }: { connection: Connection; onClear(): void; clearing: boolean }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(connection.name);
  const [schedule, setSchedule] = useState<Schedule>(connection.schedule);
  const body: Schemas['UpdateConnectionDto'] = { name, schedule };
  const save = useMutation({
    mutationFn: async () =>
      unwrap(await api().PATCH('/api/v1/connections/{connectionId}', { params: { path: { connectionId: connection.id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['connection', connection.id] }),
  });
  return (
    <div className="stack">
      <form
        className="card stack"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <label>
          Connection name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <ScheduleFields schedule={schedule} onChange={setSchedule} />
        <div aria-live="polite">
          {save.isError ? <ErrorState error={save.error} what="the changes" /> : null}
          {save.isSuccess ? <p role="status">Saved.</p> : null}
        </div>
        <div className="row">
          <button type="submit" className="primary" disabled={save.isPending}>
            Save changes
          </button>
        </div>
        <ShowApiCall method="PATCH" path={`/api/v1/connections/${connection.id}`} body={body} />
      </form>
      <SchemaReview connection={connection} />
      <section className="card stack">
        <h3 style={{ margin: 0 }}>Clear data</h3>
        <p className="muted small">
          Empties the destination tables of every stream of this connection and forgets its state; the next sync starts from scratch.
        </p>
        <div>
          <button
            type="button"
            className="danger"
            disabled={clearing}
            onClick={() => window.confirm('Clear the synced data of every stream?') && onClear()}
          >
            Clear data
          </button>
        </div>
      </section>
    </div>
  );
}
