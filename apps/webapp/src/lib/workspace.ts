'use client';

import { useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { api, unwrap, type Schemas } from './api';

export type Workspace = Schemas['WorkspaceResponseDto'];

/**
 * The workspaces the signed-in user may see (the API scopes the list: a workspace user gets
 * theirs, an instance admin every one), oldest first.
 */
export function useWorkspaces() {
  return useQuery({
    queryKey: ['workspaces'],
    queryFn: async () => {
      const all: Workspace[] = [];
      for (let offset = 0; ; offset += 1000) {
        const page = unwrap(await api().GET('/api/v1/workspaces', { params: { query: { limit: 1000, offset } } }));
        all.push(...page.data);
        if (!page.hasMore) return all;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}

// The chosen workspace's id, kept in this browser (it is no secret) so a reload keeps it.
const CHOSEN_KEY = 'tributary.workspace';
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // another tab's choice
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

const readChosen = (): string | null => window.localStorage.getItem(CHOSEN_KEY);

/** Work in another workspace: every page lists what it holds from now on. */
export function chooseWorkspace(id: string): void {
  window.localStorage.setItem(CHOSEN_KEY, id);
  listeners.forEach((listener) => listener());
}

export interface CurrentWorkspace {
  data: Workspace | undefined;
  isPending: boolean;
  isError: boolean;
  error: Error | null;
}

/** The workspace the UI works in: the chosen one while the user may still see it, else the first. */
export function useWorkspace(): CurrentWorkspace {
  // the server renders without a choice; the browser's own follows at once
  const chosen = useSyncExternalStore(subscribe, readChosen, () => null);
  const workspaces = useWorkspaces();
  if (workspaces.isError) return { data: undefined, isPending: false, isError: true, error: workspaces.error };
  if (!workspaces.data) return { data: undefined, isPending: true, isError: false, error: null };
  const workspace = workspaces.data.find((w) => w.id === chosen) ?? workspaces.data[0];
  if (!workspace) {
    return {
      data: undefined,
      isPending: false,
      isError: true,
      error: new Error('there is no workspace: the bootloader creates one, run it first'),
    };
  }
  return { data: workspace, isPending: false, isError: false, error: null };
}
