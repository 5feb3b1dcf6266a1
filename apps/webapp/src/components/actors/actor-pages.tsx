'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useMemo, useState } from 'react';
import { actorLabel, actorPage, deleteActor, getActor, listActors, listDefinitions, type ActorKind, type Definition } from '@/lib/actors';
import { formatTime } from '@/lib/format';
import { useWorkspace } from '@/lib/workspace';
import { EditorOnly } from '../providers';
import { Empty, ErrorState, Loading } from '../states';
import { ActorEditor } from './actor-editor';

const title = (kind: ActorKind) => (kind === 'source' ? 'Sources' : 'Destinations');

export function ActorList({ kind }: { kind: ActorKind }) {
  const workspace = useWorkspace();
  const workspaceId = workspace.data?.id;
  const actors = useQuery({ queryKey: [kind, 'list', workspaceId], queryFn: () => listActors(kind, workspaceId!), enabled: !!workspaceId });
  const definitions = useQuery({ queryKey: ['definitions', kind], queryFn: () => listDefinitions(kind) });
  const names = new Map(definitions.data?.map((d) => [d.id, d.name]));
  return (
    <>
      <div className="page-header">
        <h1>{title(kind)}</h1>
        <EditorOnly>
          <Link className="button primary" href={`${actorPage(kind)}/new`}>
            New {actorLabel(kind)}
          </Link>
        </EditorOnly>
      </div>
      {workspace.isError ? <ErrorState error={workspace.error} what="the workspace" /> : null}
      {actors.isError ? <ErrorState error={actors.error} what={title(kind).toLowerCase()} /> : null}
      {actors.isPending && !actors.isError ? <Loading what={title(kind).toLowerCase()} /> : null}
      {actors.data?.length === 0 ? (
        <Empty>
          No {actorLabel(kind)} yet.{' '}
          <EditorOnly>
            <Link href={`${actorPage(kind)}/new`}>Set up your first {actorLabel(kind)}</Link>.
          </EditorOnly>
        </Empty>
      ) : null}
      {actors.data && actors.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Connector</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {actors.data.map((actor) => (
              <tr key={actor.id}>
                <td>
                  <Link href={actorPage(kind, actor.id)}>{actor.name}</Link>
                </td>
                <td>{names.get(actor.definitionId) ?? '…'}</td>
                <td>{formatTime(actor.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

/** Choose a connector (searchable), then fill in its form. */
export function ActorCreate({ kind }: { kind: ActorKind }) {
  const params = useSearchParams();
  const router = useRouter();
  const workspace = useWorkspace();
  const definitions = useQuery({ queryKey: ['definitions', kind], queryFn: () => listDefinitions(kind) });
  const [search, setSearch] = useState('');
  const definitionId = params.get('definitionId');
  const next = params.get('next') ?? undefined;
  const chosen = definitions.data?.find((d) => d.id === definitionId);
  const shown = useMemo(
    () => (definitions.data ?? []).filter((d) => d.name.toLowerCase().includes(search.trim().toLowerCase())),
    [definitions.data, search],
  );
  const choose = (d: Definition) => {
    const query = new URLSearchParams(params.toString());
    query.set('definitionId', d.id);
    router.push(`${actorPage(kind)}/new?${query}`);
  };

  return (
    <>
      <div className="page-header">
        <div>
          <h1>New {actorLabel(kind)}</h1>
          <p className="muted">{chosen ? `Configure ${chosen.name} ${chosen.version}` : 'Choose the connector'}</p>
        </div>
      </div>
      {definitions.isPending ? <Loading what="connectors" /> : null}
      {definitions.isError ? <ErrorState error={definitions.error} what="connectors" /> : null}
      {workspace.isError ? <ErrorState error={workspace.error} what="the workspace" /> : null}
      {chosen && workspace.data ? (
        <div className="card">
          <ActorEditor kind={kind} workspaceId={workspace.data.id} definition={chosen} {...(next ? { next } : {})} />
        </div>
      ) : null}
      {!chosen && definitions.data ? (
        <div className="stack">
          <label>
            Search connectors
            <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="faker, postgres…" />
          </label>
          <ul className="grid" style={{ listStyle: 'none', padding: 0 }}>
            {shown.map((d) => (
              <li key={d.id}>
                <button type="button" className="card" style={{ width: '100%', textAlign: 'left' }} onClick={() => choose(d)}>
                  <strong>{d.name}</strong>
                  <br />
                  <span className="muted small">
                    {d.version} · {d.runtime.kind}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {shown.length === 0 ? <Empty>No connector matches “{search}”.</Empty> : null}
        </div>
      ) : null}
    </>
  );
}

export function ActorEdit({ kind, id }: { kind: ActorKind; id: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const actor = useQuery({ queryKey: [kind, id], queryFn: () => getActor(kind, id) });
  const definitions = useQuery({ queryKey: ['definitions', kind], queryFn: () => listDefinitions(kind) });
  const remove = useMutation({
    mutationFn: () => deleteActor(kind, id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: [kind] });
      router.push(actorPage(kind));
    },
  });
  if (actor.isPending || definitions.isPending) return <Loading what={actorLabel(kind)} />;
  if (actor.isError) return <ErrorState error={actor.error} what={`the ${actorLabel(kind)}`} />;
  if (definitions.isError) return <ErrorState error={definitions.error} what="connectors" />;
  const definition = definitions.data.find((d) => d.id === actor.data.definitionId);
  if (!definition) return <ErrorState error={new Error('its connector definition is gone')} what={`the ${actorLabel(kind)}`} />;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>{actor.data.name}</h1>
          <p className="muted">
            {definition.name} {definition.version}
          </p>
        </div>
        <EditorOnly>
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(`Delete ${actorLabel(kind)} “${actor.data.name}”?`)) remove.mutate();
            }}
          >
            Delete
          </button>
        </EditorOnly>
      </div>
      {remove.isError ? <ErrorState error={remove.error} what={`deleting the ${actorLabel(kind)}`} /> : null}
      <div className="card">
        <ActorEditor kind={kind} workspaceId={actor.data.workspaceId} definition={definition} actor={actor.data} />
      </div>
    </>
  );
}
