'use client';

import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '@/lib/api';
import {
  discoverSource,
  jobQuery,
  getSchemaChanges,
  listJobs,
  type Connection,
  type Schedule,
  type SchemaChanges,
} from '@/lib/connections';
import { formatAgo, formatCount, formatDuration } from '@/lib/format';
import { useCanEdit } from '../providers';
import { ShowApiCall } from '../show-api-call';
import { ErrorState } from '../states';
import { BarChart } from '../charts/bar-chart';
import { defaultNamespaceOf, type Naming } from '@/lib/destination-names';
import { NamingFields, type NonBreakingPolicy } from './naming-fields';
import { ScheduleFields } from './new-connection';

/** Records committed and duration of the recent jobs, oldest left: one bar per job. */
export function RecentSyncsChart({ connectionId }: { connectionId: string }) {
  const jobs = useQuery({ queryKey: ['jobs', connectionId], queryFn: () => listJobs(connectionId), refetchInterval: 5_000 });
  const recent = (jobs.data ?? [])
    .filter((j) => ['succeeded', 'failed', 'cancelled'].includes(j.status))
    .slice(0, 12)
    .reverse();
  const details = useQueries({
    queries: recent.map((j) => jobQuery(j.id)),
  });
  const bars = recent.map((job, i) => {
    const attempts = details[i]?.data?.attempts ?? [];
    const records = attempts.reduce((sum, a) => sum + (a.stats?.recordsCommitted ?? 0), 0);
    return { job, records, ms: Date.parse(job.updatedAt) - Date.parse(job.createdAt) };
  });
  if (bars.length === 0) return null;
  const chartBars = (value: (b: (typeof bars)[number]) => number) =>
    bars.map((b) => ({
      label: `#${b.job.id}`,
      note: b.job.status,
      value: value(b),
      tone: b.job.status === 'succeeded' ? ('ok' as const) : b.job.status === 'failed' ? ('bad' as const) : ('muted' as const),
    }));
  const most = (value: (b: (typeof bars)[number]) => number) => Math.max(0, ...bars.map(value));
  return (
    <div className="row" style={{ alignItems: 'flex-start' }}>
      <BarChart
        label="Records committed per recent job"
        caption={`Records committed by the last ${bars.length} jobs (max ${formatCount(most((b) => b.records))})`}
        seriesLabel="Records"
        bars={chartBars((b) => b.records)}
        format={formatCount}
      />
      <BarChart
        label="Duration per recent job"
        caption={`Duration of the last ${bars.length} jobs (max ${formatDuration(most((b) => b.ms))})`}
        seriesLabel="Duration"
        bars={chartBars((b) => b.ms)}
        format={formatDuration}
      />
    </div>
  );
}

/**
 * The schema change review: what the source's newest discovered catalog changes for this
 * connection, as the API (and a sync) compares them. "Refresh source schema" discovers the
 * source again first (editors only: it runs the connector).
 */
export function SchemaReview({ connection }: { connection: Connection }) {
  const queryClient = useQueryClient();
  const canEdit = useCanEdit();
  const changes = useQuery({ queryKey: ['schema-changes', connection.id], queryFn: () => getSchemaChanges(connection.id) });
  const discover = useMutation({
    mutationFn: () => discoverSource(connection.sourceId, true),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['schema-changes', connection.id] }),
  });
  return (
    <section className="card stack" aria-labelledby="schema-review-title">
      <h3 id="schema-review-title" style={{ margin: 0 }}>
        Source schema
      </h3>
      {canEdit ? (
        <div className="row">
          <button type="button" onClick={() => discover.mutate()} disabled={discover.isPending}>
            {discover.isPending ? 'Discovering…' : 'Refresh source schema'}
          </button>
          <span className="muted small">Runs the source&apos;s discover again and compares it with this connection&apos;s streams.</span>
        </div>
      ) : null}
      {discover.isError ? <ErrorState error={discover.error} what="the source's schema" /> : null}
      {changes.isError ? <ErrorState error={changes.error} what="the schema changes" /> : null}
      {changes.data ? <SchemaChangeList changes={changes.data} /> : null}
    </section>
  );
}

function SchemaChangeList({ changes }: { changes: SchemaChanges }) {
  const when = changes.discoveredAt ? `discovered ${formatAgo(changes.discoveredAt)}` : 'never discovered';
  return (
    <div role="status" aria-live="polite" data-testid="schema-review" data-schema-change={changes.schemaChange}>
      {changes.schemaChange === 'no_change' ? (
        <p>No change since this connection was set up ({when}).</p>
      ) : (
        <>
          <p>
            {changes.schemaChange === 'breaking' ? (
              <span className="badge failed">breaking</span>
            ) : (
              <span className="badge running">non-breaking</span>
            )}{' '}
            The source&apos;s schema changed ({when}). Review it, then edit the streams.
          </p>
          <ul className="schema-changes">
            {changes.addedStreams.map((s) => (
              <li key={`+${s}`} data-change="added-stream">
                <strong>{s}</strong>: new stream you can add
              </li>
            ))}
            {changes.removedStreams.map((s) => (
              <li key={`-${s}`} data-change="removed-stream">
                <strong>{s}</strong>: stream removed from the source; it is no longer synced
              </li>
            ))}
            {changes.changedStreams.map((c) => (
              <li key={`~${c.stream}`} data-change="changed-stream" data-stream={c.stream}>
                <strong>{c.stream}</strong>
                {c.breaking ? <span className="badge failed">breaking</span> : null}:{' '}
                {[
                  c.addedFields.length ? `fields added: ${c.addedFields.join(', ')}` : '',
                  c.removedFields.length ? `fields removed: ${c.removedFields.join(', ')}` : '',
                  c.changedFields.length ? `fields changed: ${c.changedFields.join(', ')}` : '',
                ]
                  .filter(Boolean)
                  .join('; ')}
              </li>
            ))}
          </ul>
          {changes.breaking.length > 0 ? (
            <div className="error-text">
              <strong>Why it breaks the sync:</strong>
              <ul>
                {changes.breaking.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}

/** On the connection page: a notice when the source's newest catalog changes something for this connection. */
export function SchemaChangeNotice({ connectionId, onReview }: { connectionId: string; onReview(): void }) {
  const changes = useQuery({ queryKey: ['schema-changes', connectionId], queryFn: () => getSchemaChanges(connectionId) });
  if (!changes.data || changes.data.schemaChange === 'no_change') return null;
  const breaking = changes.data.schemaChange === 'breaking';
  return (
    <div className={`card notice ${breaking ? 'error-text' : ''}`} role="status" data-testid="schema-change-notice">
      {breaking ? 'The source’s schema changed in a way that breaks this connection.' : 'The source’s schema changed.'}{' '}
      <button type="button" className="link" onClick={onReview}>
        Review the changes
      </button>
    </div>
  );
}

/** Name, schedule and clearing the synced data. */
export function ConnectionSettings({
  connection,
  destinationConfig,
  onClear,
  clearing,
}: {
  connection: Connection;
  /** for the destination's default namespace in the table names */
  destinationConfig: Record<string, unknown> | undefined;
  onClear(): void;
  clearing: boolean;
}) {
  const queryClient = useQueryClient();
  const canEdit = useCanEdit();
  const [name, setName] = useState(connection.name);
  const [schedule, setSchedule] = useState<Schedule>(connection.schedule);
  const [naming, setNaming] = useState<Naming>({
    namespaceDefinition: connection.namespaceDefinition,
    namespaceFormat: connection.namespaceFormat ?? undefined,
    prefix: connection.prefix,
  });
  const [policy, setPolicy] = useState<NonBreakingPolicy>(connection.nonBreakingChangesPolicy);
  const body: Schemas['UpdateConnectionDto'] = {
    name,
    schedule,
    namespaceDefinition: naming.namespaceDefinition,
    ...(naming.namespaceDefinition === 'custom_format' ? { namespaceFormat: naming.namespaceFormat ?? '' } : {}),
    prefix: naming.prefix,
    nonBreakingChangesPolicy: policy,
  };
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
        {/* a viewer reads the settings; the fieldset turns every control off */}
        <fieldset disabled={!canEdit} className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
          <label>
            Connection name
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
          </label>
          <ScheduleFields schedule={schedule} onChange={setSchedule} />
          <NamingFields
            naming={naming}
            onChange={setNaming}
            streams={connection.streams}
            defaultNamespace={defaultNamespaceOf(destinationConfig)}
            policy={policy}
            onPolicyChange={setPolicy}
          />
        </fieldset>
        <div aria-live="polite">
          {save.isError ? <ErrorState error={save.error} what="the changes" /> : null}
          {save.isSuccess ? <p role="status">Saved.</p> : null}
        </div>
        {canEdit ? (
          <div className="row">
            <button type="submit" className="primary" disabled={save.isPending}>
              Save changes
            </button>
          </div>
        ) : null}
        <ShowApiCall method="PATCH" path={`/api/v1/connections/${connection.id}`} body={body} />
      </form>
      <SchemaReview connection={connection} />
      {canEdit ? (
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
      ) : null}
    </div>
  );
}
