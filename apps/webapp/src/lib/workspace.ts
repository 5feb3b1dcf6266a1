'use client';

import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './api';

/** The workspace the UI works in: the first one (a workspace switcher comes with workspace roles). */
export function useWorkspace() {
  return useQuery({
    queryKey: ['workspace'],
    queryFn: async () => {
      const page = unwrap(await api().GET('/api/v1/workspaces', { params: { query: { limit: 1 } } }));
      const workspace = page.data[0];
      if (!workspace) throw new Error('there is no workspace: the bootloader creates one, run it first');
      return workspace;
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}
