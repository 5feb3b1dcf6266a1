'use client';

import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { createColumnHelper, useTable } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { listActors } from '@/lib/actors';
import { describeSchedule, getConnectionStatus, listConnections, setConnectionEnabled, type Connection } from '@/lib/connections';
import { formatAgo, formatCount } from '@/lib/format';
import { useWorkspace } from '@/lib/workspace';
import { EditorOnly, useCanEdit } from '../providers';
import { ErrorState, Loading, StatusBadge } from '../states';
import { pagedSearchableFeatures } from '../table/features';
import { SortableHeader } from '../table/sortable-header';
import { Onboarding } from './onboarding';

type Filter = 'all' | 'running' | 'failed' | 'disabled';

/** rows per page: each shown row polls its status, so a workspace of thousands stays light */
const PAGE_SIZE = 50;

interface Row {
  connection: Connection;
  source: string | undefined;
  destination: string | undefined;
}

const column = createColumnHelper<typeof pagedSearchableFeatures, Row>();
// what the list sorts and searches by (the search also finds the source's and destination's names); the cells are drawn below
const columns = column.columns([
  column.accessor((r) => r.connection.name, { id: 'name', sortFn: 'alphanumeric' }),
  column.accessor((r) => `${r.source ?? ''} ${r.destination ?? ''}`, { id: 'route', enableSorting: false }),
  column.accessor((r) => describeSchedule(r.connection.schedule), { id: 'schedule', sortFn: 'alphanumeric' }),
  column.accessor((r) => (r.connection.status === 'active' ? 1 : 0), { id: 'enabled', sortFn: 'basic' }),
]);
const SEARCHED = new Set(['name', 'route']);

export function ConnectionList() {
  const workspace = useWorkspace();
  const workspaceId = workspace.data?.id;
  const [filter, setFilter] = useState<Filter>('all');
  // the state filter is the API's, so it covers every page, not only the rows shown
  const connections = useQuery({
    queryKey: ['connections', workspaceId, filter],
    queryFn: () => listConnections(workspaceId!, filter === 'all' ? undefined : filter),
    enabled: !!workspaceId,
    placeholderData: (previous) => previous,
  });
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
  const [search, setSearch] = useState('');
  const rows = useMemo(() => {
    const names = new Map([...(sources.data ?? []), ...(destinations.data ?? [])].map((a) => [a.id, a.name]));
    return (connections.data ?? []).map((c) => ({ connection: c, source: names.get(c.sourceId), destination: names.get(c.destinationId) }));
  }, [connections.data, sources.data, destinations.data]);
  const table = useTable({
    features: pagedSearchableFeatures,
    columns,
    data: rows,
    getRowId: (r) => r.connection.id,
    state: { globalFilter: search },
    onGlobalFilterChange: setSearch,
    globalFilterFn: 'includesString',
    getColumnCanGlobalFilter: (c) => SEARCHED.has(c.id),
    sortDescFirst: false,
    initialState: { pagination: { pageIndex: 0, pageSize: PAGE_SIZE } },
  });
  const pageRows = table.getRowModel().rows.map((r) => r.original);
  // live: the shown rows' status (running progress, last sync), polled while the page is open
  const statuses = useQueries({
    queries: pageRows.map((r) => ({
      queryKey: ['status', r.connection.id],
      queryFn: () => getConnectionStatus(r.connection.id),
      refetchInterval: 2_000,
    })),
  });

  if (workspace.isError) return <ErrorState error={workspace.error} what="the workspace" />;
  if (connections.isError) return <ErrorState error={connections.error} what="connections" />;
  if (connections.isPending || sources.isPending || destinations.isPending) return <Loading what="connections" />;
  if (connections.data.length === 0 && filter === 'all')
    return <Onboarding hasSource={(sources.data?.length ?? 0) > 0} hasDestination={(destinations.data?.length ?? 0) > 0} />;

  const statusOf = new Map(statuses.map((s, i) => [pageRows[i]!.connection.id, s.data]));
  return (
    <>
      <div className="page-header">
        <h1>Connections</h1>
        <EditorOnly>
          <Link className="button primary" href="/connections/new">
            New connection
          </Link>
        </EditorOnly>
      </div>
      <div className="row" style={{ marginBottom: '1rem' }}>
        <label>
          Search
          <input
            type="search"
            value={search}
            onChange={(e) => table.setGlobalFilter(e.target.value)}
            placeholder="name, source or destination"
          />
        </label>
        <label>
          Show
          <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            <option value="all">All</option>
            <option value="running">Running</option>
            <option value="failed">Last sync failed</option>
            <option value="disabled">Disabled</option>
          </select>
        </label>
      </div>
      <table>
        <thead>
          <tr>
            <SortableHeader column={table.getColumn('name')}>Connection</SortableHeader>
            <th>Status</th>
            <th>Last sync</th>
            <SortableHeader column={table.getColumn('schedule')}>Schedule</SortableHeader>
            <SortableHeader column={table.getColumn('enabled')}>Enabled</SortableHeader>
          </tr>
        </thead>
        <tbody>
          {pageRows.map(({ connection, source, destination }) => (
            <ConnectionRow
              key={connection.id}
              connection={connection}
              status={statusOf.get(connection.id)}
              source={source}
              destination={destination}
            />
          ))}
        </tbody>
      </table>
      {pageRows.length === 0 ? <p className="muted">No connection matches.</p> : null}
      {table.getPageCount() > 1 ? (
        <nav className="row" aria-label="Pages" style={{ marginTop: '0.75rem' }}>
          <button type="button" disabled={!table.getCanPreviousPage()} onClick={() => table.previousPage()}>
            Previous
          </button>
          <span>
            Page {table.state.pagination.pageIndex + 1} of {table.getPageCount()} ({table.getFilteredRowModel().rows.length} connections)
          </span>
          <button type="button" disabled={!table.getCanNextPage()} onClick={() => table.nextPage()}>
            Next
          </button>
        </nav>
      ) : null}
    </>
  );
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

function ConnectionRow({
  connection,
  status,
  source,
  destination,
}: {
  connection: Connection;
  status: Awaited<ReturnType<typeof getConnectionStatus>> | undefined;
  source: string | undefined;
  destination: string | undefined;
}) {
  const queryClient = useQueryClient();
  const canEdit = useCanEdit();
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => setConnectionEnabled(connection.id, enabled),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['connections'] }),
  });
  const enabled = connection.status === 'active';
  let state = <StatusBadge status={enabled ? 'never' : 'inactive'} />;
  if (status?.running) state = <StatusBadge status="running" />;
  else if (status?.lastSync) state = <StatusBadge status={status.lastSync.status} />;
  return (
    <tr>
      <td>
        <Link href={`/connections/${connection.id}`}>{connection.name}</Link>
        <div className="muted small">
          {source ?? '…'} → {destination ?? '…'}
        </div>
      </td>
      <td>
        {state}
        {status?.running?.progress ? <div className="small">{formatCount(status.running.progress.recordsEmitted)} records</div> : null}
        {!status?.running && status?.lastSync?.failureReason ? (
          <div className="small error-text" data-testid="failure-reason" title={status.lastSync.failureReason.message}>
            {status.lastSync.failureReason.origin}: {truncate(status.lastSync.failureReason.message, 100)}
          </div>
        ) : null}
        {!enabled && connection.statusReason ? <div className="small muted">{connection.statusReason}</div> : null}
      </td>
      <td>{formatAgo(status?.lastSync?.endedAt)}</td>
      <td>
        {describeSchedule(connection.schedule)}
        {status?.nextRunAt ? <div className="small muted">next {formatAgo(status.nextRunAt)}</div> : null}
      </td>
      <td>
        <label className="inline">
          <input
            type="checkbox"
            checked={enabled}
            // a viewer sees the state, and cannot change it
            disabled={!canEdit || toggle.isPending}
            onChange={(e) => toggle.mutate(e.target.checked)}
            aria-label={`Enable ${connection.name}`}
          />
        </label>
        {toggle.error ? (
          <div role="alert" className="small error-text">
            Could not {toggle.variables ? 'enable' : 'disable'} {connection.name}: {toggle.error.message}
          </div>
        ) : null}
      </td>
    </tr>
  );
}
