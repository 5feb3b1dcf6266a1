'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '@/lib/api';
import { discoverSource, type Connection } from '@/lib/connections';
import { ShowApiCall } from '../show-api-call';
import { ErrorState, Loading } from '../states';
import { choicesFromConnection, missingFor, streamKey, type StreamChoice } from './stream-choices';
import { StreamTable } from './stream-table';

/** The connection's streams in the same table as at creation, from the source's stored catalog. */
export function EditStreams({ connection, onDone }: { connection: Connection; onDone(): void }) {
  const queryClient = useQueryClient();
  const catalog = useQuery({ queryKey: ['catalog', connection.sourceId], queryFn: () => discoverSource(connection.sourceId) });
  const [choices, setChoices] = useState<Record<string, StreamChoice> | undefined>();
  const save = useMutation({
    mutationFn: async (streams: Connection['streams']) =>
      unwrap(
        await api().PATCH('/api/v1/connections/{connectionId}', { params: { path: { connectionId: connection.id } }, body: { streams } }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['connection', connection.id] });
      onDone();
    },
  });
  if (catalog.isPending) return <Loading what="the source's streams" />;
  if (catalog.isError) return <ErrorState error={catalog.error} what="the source's streams" />;
  const current = choices ?? choicesFromConnection(catalog.data.streams, connection.streams);
  const selected = catalog.data.streams.filter((s) => current[streamKey(s)]?.selected);
  const incomplete = selected.filter((s) => missingFor(s, current[streamKey(s)]!.config));
  const streams = selected.map((s) => current[streamKey(s)]!.config);
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(streams);
      }}
    >
      <StreamTable streams={catalog.data.streams} choices={current} onChange={(key, choice) => setChoices({ ...current, [key]: choice })} />
      <div aria-live="assertive">
        {save.isError ? <ErrorState error={save.error} what="the streams" /> : null}
        {incomplete.length > 0 ? (
          <p className="error-text">Complete the streams marked above ({incomplete.map((s) => s.name).join(', ')}).</p>
        ) : null}
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending || selected.length === 0 || incomplete.length > 0}>
          Save streams ({selected.length})
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <ShowApiCall method="PATCH" path={`/api/v1/connections/${connection.id}`} body={{ streams }} />
    </form>
  );
}
