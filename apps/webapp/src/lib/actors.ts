'use client';

/**
 * Sources and destinations are the same thing at two ends: one set of calls, picked by
 * kind, so every screen serves both. Each branch is a typed libs/api-client call.
 */
import { api, unwrap, type Schemas } from './api';

export type ActorKind = 'source' | 'destination';
export type Actor = Schemas['SourceResponseDto'];
export type Definition = Schemas['ConnectorDefinitionResponseDto'];
export type CheckResult = Schemas['CheckConnectionResponseDto'];

export const actorLabel = (kind: ActorKind) => (kind === 'source' ? 'source' : 'destination');
export const actorsPath = (kind: ActorKind) => (kind === 'source' ? '/api/v1/sources' : '/api/v1/destinations');
export const actorPage = (kind: ActorKind, id?: string) => `/${kind}s${id ? `/${id}` : ''}`;

export async function listDefinitions(kind: ActorKind): Promise<Definition[]> {
  const query = { params: { query: { limit: 200 } } };
  const page = unwrap(
    kind === 'source' ? await api().GET('/api/v1/source-definitions', query) : await api().GET('/api/v1/destination-definitions', query),
  );
  return page.data;
}

export async function getSpecification(kind: ActorKind, definitionId: string): Promise<Schemas['ConnectorSpecificationResponseDto']> {
  const params = { params: { path: { definitionId } } };
  return unwrap(
    kind === 'source'
      ? await api().GET('/api/v1/source-definitions/{definitionId}/specification', params)
      : await api().GET('/api/v1/destination-definitions/{definitionId}/specification', params),
  );
}

export async function listActors(kind: ActorKind, workspaceId: string): Promise<Actor[]> {
  const all: Actor[] = [];
  for (let offset = 0; ; offset += 1000) {
    const query = { params: { query: { workspaceId, limit: 1000, offset } } };
    const page = unwrap(kind === 'source' ? await api().GET('/api/v1/sources', query) : await api().GET('/api/v1/destinations', query));
    all.push(...page.data);
    if (!page.hasMore) return all;
  }
}

export async function getActor(kind: ActorKind, id: string): Promise<Actor> {
  return unwrap(
    kind === 'source'
      ? await api().GET('/api/v1/sources/{sourceId}', { params: { path: { sourceId: id } } })
      : await api().GET('/api/v1/destinations/{destinationId}', { params: { path: { destinationId: id } } }),
  );
}

export interface ActorInput {
  workspaceId: string;
  definitionId: string;
  name: string;
  configuration: Record<string, unknown>;
}

export async function createActor(kind: ActorKind, body: ActorInput): Promise<Actor> {
  return unwrap(kind === 'source' ? await api().POST('/api/v1/sources', { body }) : await api().POST('/api/v1/destinations', { body }));
}

export async function updateActor(
  kind: ActorKind,
  id: string,
  body: { name: string; configuration: Record<string, unknown> },
): Promise<Actor> {
  return unwrap(
    kind === 'source'
      ? await api().PATCH('/api/v1/sources/{sourceId}', { params: { path: { sourceId: id } }, body })
      : await api().PATCH('/api/v1/destinations/{destinationId}', { params: { path: { destinationId: id } }, body }),
  );
}

export async function deleteActor(kind: ActorKind, id: string): Promise<void> {
  unwrap(
    kind === 'source'
      ? await api().DELETE('/api/v1/sources/{sourceId}', { params: { path: { sourceId: id } } })
      : await api().DELETE('/api/v1/destinations/{destinationId}', { params: { path: { destinationId: id } } }),
  );
}

/** Runs the connector's check on a config before it is saved (the saved secrets of `actorId` fill in masked ones). */
export async function checkConfiguration(
  kind: ActorKind,
  body: { definitionId: string; workspaceId: string; configuration: Record<string, unknown> },
  actorId?: string,
): Promise<CheckResult> {
  if (actorId) {
    const checkBody = { configuration: body.configuration };
    return unwrap(
      kind === 'source'
        ? await api().POST('/api/v1/sources/{sourceId}/check', { params: { path: { sourceId: actorId } }, body: checkBody })
        : await api().POST('/api/v1/destinations/{destinationId}/check', { params: { path: { destinationId: actorId } }, body: checkBody }),
    );
  }
  return unwrap(
    kind === 'source' ? await api().POST('/api/v1/sources/check', { body }) : await api().POST('/api/v1/destinations/check', { body }),
  );
}
