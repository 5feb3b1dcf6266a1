'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { previewCron } from '@/server/cron-preview';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { ApiError, type Schemas } from '@/lib/api';
import { listActors } from '@/lib/actors';
import { createConnection, discoverSource, type Schedule } from '@/lib/connections';
import { useWorkspace } from '@/lib/workspace';
import { defaultNamespaceOf, type Naming } from '@/lib/destination-names';
import { ShowApiCall } from '../show-api-call';
import { NamingFields, type NonBreakingPolicy } from './naming-fields';
import { ErrorState, Loading } from '../states';
import { initialChoice, missingFor, streamKey, type StreamChoice } from './stream-choices';
import { StreamTable } from './stream-table';

/** Source + destination -> discovered streams -> modes and schedule -> the connection. */
export function NewConnection() {
  const params = useSearchParams();
  const router = useRouter();
  const queryClient = useQueryClient();
  const workspace = useWorkspace();
  const workspaceId = workspace.data?.id;
  const sources = useQuery({
    queryKey: ['source', 'list', workspaceId],
    queryFn: () => listActors('source', workspaceId!),
    enabled: !!workspaceId,
  });
  const destinations = useQuery({
    queryKey: ['destination', 'list', workspaceId],
    queryFn: () => listActors('destination', workspaceId!),
    enabled: !!workspaceId,
  });
  const [sourceId, setSourceId] = useState(params.get('sourceId') ?? '');
  const [destinationId, setDestinationId] = useState(params.get('destinationId') ?? '');
  const [name, setName] = useState('');
  const [schedule, setSchedule] = useState<Schedule>({ scheduleType: 'manual' });
  const [naming, setNaming] = useState<Naming>({ namespaceDefinition: 'destination', prefix: '' });
  const [policy, setPolicy] = useState<NonBreakingPolicy>('ignore');
  const [choices, setChoices] = useState<Record<string, StreamChoice>>({});
  const discover = useMutation({
    mutationFn: () => discoverSource(sourceId),
    onSuccess: (catalog) => setChoices(Object.fromEntries(catalog.streams.map((s) => [streamKey(s), initialChoice(s)]))),
  });
  const create = useMutation({
    mutationFn: (body: Schemas['CreateConnectionDto']) => createConnection(body),
    onSuccess: async (connection) => {
      await queryClient.invalidateQueries({ queryKey: ['connections'] });
      router.push(`/connections/${connection.id}`);
    },
  });

  if (workspace.isError) return <ErrorState error={workspace.error} what="the workspace" />;
  if (sources.isPending || destinations.isPending) return <Loading what="sources and destinations" />;
  if (sources.isError) return <ErrorState error={sources.error} what="sources" />;
  if (destinations.isError) return <ErrorState error={destinations.error} what="destinations" />;

  const streams = discover.data?.streams ?? [];
  const selected = streams.filter((s) => choices[streamKey(s)]?.selected);
  const incomplete = selected.filter((s) => missingFor(s, choices[streamKey(s)]!.config));
  const sourceName = sources.data.find((s) => s.id === sourceId)?.name;
  const destinationName = destinations.data.find((d) => d.id === destinationId)?.name;
  const body: Schemas['CreateConnectionDto'] = {
    sourceId,
    destinationId,
    name: name.trim() || `${sourceName ?? 'source'} → ${destinationName ?? 'destination'}`,
    streams: selected.map((s) => choices[streamKey(s)]!.config),
    schedule,
    ...(naming.prefix ? { prefix: naming.prefix } : {}),
    ...(naming.namespaceDefinition !== 'destination' ? { namespaceDefinition: naming.namespaceDefinition } : {}),
    ...(naming.namespaceDefinition === 'custom_format' ? { namespaceFormat: naming.namespaceFormat ?? '' } : {}),
    ...(policy !== 'ignore' ? { nonBreakingChangesPolicy: policy } : {}),
  };
  const problem = create.error instanceof ApiError ? create.error : undefined;

  return (
    <>
      <div className="page-header">
        <h1>New connection</h1>
      </div>
      <div className="card stack">
        <div className="row">
          <label>
            Source
            <select aria-label="Source" value={sourceId} onChange={(e) => (setSourceId(e.target.value), discover.reset())}>
              <option value="">choose…</option>
              {sources.data.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <span aria-hidden="true">→</span>
          <label>
            Destination
            <select aria-label="Destination" value={destinationId} onChange={(e) => setDestinationId(e.target.value)}>
              <option value="">choose…</option>
              {destinations.data.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="primary"
            disabled={!sourceId || !destinationId || discover.isPending}
            onClick={() => discover.mutate()}
          >
            {discover.isPending ? 'Discovering streams…' : discover.data ? 'Discover again' : 'Discover streams'}
          </button>
        </div>
        {sources.data.length === 0 ? (
          <p>
            No source yet: <Link href="/sources/new?next=/connections/new">add one</Link>.
          </p>
        ) : null}
        {destinations.data.length === 0 ? (
          <p>
            No destination yet: <Link href="/destinations/new?next=/connections/new">add one</Link>.
          </p>
        ) : null}
        {discover.isPending ? <p role="status">Running the source&apos;s discover on a worker…</p> : null}
        {discover.isError ? <ErrorState error={discover.error} what="the source's streams" /> : null}
      </div>

      {discover.data ? (
        <form
          className="stack"
          style={{ marginTop: '1rem' }}
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(body);
          }}
        >
          <h2>Streams</h2>
          <StreamTable streams={streams} choices={choices} onChange={(key, choice) => setChoices((c) => ({ ...c, [key]: choice }))} />

          <h2>Settings</h2>
          <div className="card stack">
            <label>
              Connection name
              <input value={name} onChange={(e) => setName(e.target.value)} placeholder={body.name} maxLength={200} />
            </label>
            <ScheduleFields schedule={schedule} onChange={setSchedule} />
            <NamingFields
              naming={naming}
              onChange={setNaming}
              streams={selected}
              defaultNamespace={defaultNamespaceOf(destinations.data.find((d) => d.id === destinationId)?.configuration)}
              policy={policy}
              onPolicyChange={setPolicy}
            />
          </div>
          <div aria-live="assertive">
            {problem ? (
              <p role="alert" className="error-text">
                {problem.message}
                {problem.problem.errors?.map((e) => ` ${e.pointer ?? e.parameter ?? ''} ${e.detail}`).join(';')}
              </p>
            ) : null}
            {incomplete.length > 0 ? (
              <p className="error-text">Complete the streams marked above ({incomplete.map((s) => s.name).join(', ')}).</p>
            ) : null}
          </div>
          <div className="row">
            <button type="submit" className="primary" disabled={create.isPending || selected.length === 0 || incomplete.length > 0}>
              {create.isPending ? 'Creating…' : `Create connection (${selected.length} streams)`}
            </button>
          </div>
          <ShowApiCall method="POST" path="/api/v1/connections" body={body} />
        </form>
      ) : null}
    </>
  );
}

export function ScheduleFields({ schedule, onChange }: { schedule: Schedule; onChange(schedule: Schedule): void }) {
  const cron =
    schedule.scheduleType === 'cron' ? { expression: schedule.cronExpression ?? '', timeZone: schedule.timeZone ?? 'UTC' } : undefined;
  const preview = useQuery({
    queryKey: ['cron-preview', cron?.expression, cron?.timeZone],
    queryFn: () => previewCron(cron!.expression, cron!.timeZone),
    enabled: !!cron?.expression.trim(),
    staleTime: 30_000,
  });
  return (
    <fieldset className="row" style={{ border: 'none', padding: 0 }}>
      <legend className="small" style={{ fontWeight: 600 }}>
        Schedule
      </legend>
      <label>
        Type
        <select
          value={schedule.scheduleType}
          onChange={(e) => {
            const type = e.target.value as Schedule['scheduleType'];
            if (type === 'manual') onChange({ scheduleType: 'manual' });
            if (type === 'basic') onChange({ scheduleType: 'basic', units: 24, timeUnit: 'hours' });
            if (type === 'cron')
              onChange({ scheduleType: 'cron', cronExpression: '0 6 * * *', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
          }}
        >
          <option value="manual">Manual</option>
          <option value="basic">Every…</option>
          <option value="cron">Cron</option>
        </select>
      </label>
      {schedule.scheduleType === 'basic' ? (
        <>
          <label>
            Every
            <input
              type="number"
              min={1}
              value={schedule.units ?? 1}
              onChange={(e) => onChange({ ...schedule, units: Number(e.target.value) })}
              style={{ width: '6rem' }}
            />
          </label>
          <label>
            Unit
            <select value={schedule.timeUnit} onChange={(e) => onChange({ ...schedule, timeUnit: e.target.value as 'minutes' | 'hours' })}>
              <option value="minutes">minutes</option>
              <option value="hours">hours</option>
            </select>
          </label>
        </>
      ) : null}
      {schedule.scheduleType === 'cron' ? (
        <>
          <label>
            Cron expression
            <input value={schedule.cronExpression ?? ''} onChange={(e) => onChange({ ...schedule, cronExpression: e.target.value })} />
          </label>
          <label>
            Time zone
            <input value={schedule.timeZone ?? ''} onChange={(e) => onChange({ ...schedule, timeZone: e.target.value })} />
          </label>
          <p className="small" aria-live="polite" data-testid="cron-preview" style={{ flexBasis: '100%', margin: 0 }}>
            {preview.data && 'runs' in preview.data
              ? `Next runs: ${preview.data.runs.map((r) => new Date(r).toLocaleString('en-GB', { timeZone: cron?.timeZone, hour12: false })).join(' · ')} (${cron?.timeZone})`
              : null}
            {preview.data && 'error' in preview.data ? <span className="error-text">{preview.data.error}</span> : null}
          </p>
        </>
      ) : null}
    </fieldset>
  );
}
