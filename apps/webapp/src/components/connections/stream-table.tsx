'use client';

import { createColumnHelper, useTable } from '@tanstack/react-table';
import { useState } from 'react';
import { SYNC_MODES, type DiscoveredStream, type SyncMode } from '@/lib/connections';
import { searchableFeatures } from '../table/features';
import { SortableHeader } from '../table/sortable-header';
import {
  allowedModes,
  isFieldSelected,
  missingFor,
  requiredFields,
  streamKey,
  topLevelFields,
  withField,
  type StreamChoice,
} from './stream-choices';

export interface StreamTableProps {
  streams: DiscoveredStream[];
  choices: Record<string, StreamChoice>;
  onChange(key: string, choice: StreamChoice): void;
}

const column = createColumnHelper<typeof searchableFeatures, DiscoveredStream>();
// what the table sorts and searches by; the cells themselves are drawn below
const columns = column.columns([
  column.accessor((s) => s.name, { id: 'stream', sortFn: 'alphanumeric' }),
  column.accessor((s) => topLevelFields(s).length, { id: 'fields', sortFn: 'basic' }),
]);

/** The discovered streams: which to sync, and how (mode, cursor, primary key). Source-defined ones are shown fixed. */
export function StreamTable({ streams, choices, onChange }: StreamTableProps) {
  const [search, setSearch] = useState('');
  const table = useTable({
    features: searchableFeatures,
    columns,
    data: streams,
    getRowId: (s) => streamKey(s),
    state: { globalFilter: search },
    onGlobalFilterChange: setSearch,
    globalFilterFn: 'includesString',
    getColumnCanGlobalFilter: (c) => c.id === 'stream',
    sortDescFirst: false,
  });
  const shown = table.getRowModel().rows.map((row) => row.original);
  const allSelected = shown.every((s) => choices[streamKey(s)]?.selected);
  return (
    <div className="stack">
      <div className="row">
        <label>
          Search streams
          <input type="search" value={search} onChange={(e) => table.setGlobalFilter(e.target.value)} />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={allSelected}
            onChange={(e) => shown.forEach((s) => onChange(streamKey(s), { ...choices[streamKey(s)]!, selected: e.target.checked }))}
          />
          Select all {search ? 'shown' : ''} ({shown.length})
        </label>
      </div>
      <table>
        <thead>
          <tr>
            <th>Sync</th>
            <SortableHeader column={table.getColumn('stream')}>Stream</SortableHeader>
            <th>Sync mode</th>
            <th>Cursor</th>
            <th>Primary key</th>
            <SortableHeader column={table.getColumn('fields')}>Fields</SortableHeader>
          </tr>
        </thead>
        <tbody>
          {shown.map((stream) => {
            const key = streamKey(stream);
            const choice = choices[key]!;
            const { config } = choice;
            const set = (patch: Partial<typeof config>) => onChange(key, { ...choice, config: { ...config, ...patch } });
            const fields = topLevelFields(stream);
            const incremental = config.syncMode.startsWith('incremental');
            const missing = choice.selected ? missingFor(stream, config) : undefined;
            return (
              <tr key={key} data-stream={stream.name}>
                <td>
                  <input
                    type="checkbox"
                    checked={choice.selected}
                    aria-label={`Sync ${stream.name}`}
                    onChange={(e) => onChange(key, { ...choice, selected: e.target.checked })}
                  />
                </td>
                <td>
                  <strong>{stream.name}</strong>
                  {stream.namespace ? <div className="muted small">{stream.namespace}</div> : null}
                  <div className="muted small">{fields.length} fields</div>
                </td>
                <td>
                  <select
                    aria-label={`Sync mode of ${stream.name}`}
                    value={config.syncMode}
                    disabled={!choice.selected}
                    onChange={(e) => set({ syncMode: e.target.value as SyncMode })}
                  >
                    {allowedModes(stream).map((mode) => (
                      <option key={mode} value={mode}>
                        {SYNC_MODES.find((m) => m.value === mode)?.label}
                      </option>
                    ))}
                  </select>
                  {missing ? (
                    <div className="error-text small" role="alert">
                      {missing}
                    </div>
                  ) : null}
                </td>
                <td>
                  {!incremental ? (
                    <span className="muted">—</span>
                  ) : stream.sourceDefinedCursor ? (
                    <span title="defined by the source">{stream.defaultCursorField.join('.')} (source)</span>
                  ) : (
                    <select
                      aria-label={`Cursor of ${stream.name}`}
                      value={config.cursorField?.[0] ?? ''}
                      onChange={(e) => set({ cursorField: e.target.value ? [e.target.value] : [] })}
                    >
                      <option value="">choose…</option>
                      {fields.map((f) => (
                        <option key={f}>{f}</option>
                      ))}
                    </select>
                  )}
                </td>
                <td>
                  {config.syncMode !== 'incremental_dedup' ? (
                    <span className="muted">—</span>
                  ) : stream.sourceDefinedPrimaryKey.length > 0 ? (
                    <span title="defined by the source">{stream.sourceDefinedPrimaryKey.map((p) => p.join('.')).join(', ')} (source)</span>
                  ) : (
                    <select
                      aria-label={`Primary key of ${stream.name}`}
                      value={config.primaryKey?.[0]?.[0] ?? ''}
                      onChange={(e) => set({ primaryKey: e.target.value ? [[e.target.value]] : [] })}
                    >
                      <option value="">choose…</option>
                      {fields.map((f) => (
                        <option key={f}>{f}</option>
                      ))}
                    </select>
                  )}
                </td>
                <td>
                  <FieldPicker stream={stream} choice={choice} onChange={(config) => onChange(key, { ...choice, config })} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Which top-level fields reach the destination; the cursor and primary key of the chosen mode stay in. */
function FieldPicker({
  stream,
  choice,
  onChange,
}: {
  stream: DiscoveredStream;
  choice: StreamChoice;
  onChange(config: StreamChoice['config']): void;
}) {
  const fields = topLevelFields(stream);
  const required = requiredFields(stream, choice.config);
  const count = fields.filter((f) => isFieldSelected(choice.config, f)).length;
  return (
    <details>
      <summary>{count === fields.length ? `All ${fields.length}` : `${count} of ${fields.length}`}</summary>
      <fieldset style={{ border: 'none', padding: 0, margin: '0.3rem 0 0' }} disabled={!choice.selected}>
        <legend className="small muted">Fields of {stream.name}</legend>
        {fields.map((field) => (
          <label key={field} className="inline small">
            <input
              type="checkbox"
              checked={isFieldSelected(choice.config, field)}
              disabled={required.has(field)}
              onChange={(e) => onChange(withField(stream, choice.config, field, e.target.checked))}
            />{' '}
            {field}
            {required.has(field) ? ' (needed)' : ''}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
