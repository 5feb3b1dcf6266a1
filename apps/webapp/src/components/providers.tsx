'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, useContext, useState, type ReactNode } from 'react';
import { ApiError } from '@/lib/api';
import { canEdit } from '@/lib/roles';

export interface UiSettings {
  /** the API origin people use, for "Show as API call" */
  publicApiUrl: string;
  user: { id: string; email: string; name: string; role: string };
}

const SettingsContext = createContext<UiSettings | undefined>(undefined);

export function useUiSettings(): UiSettings {
  const settings = useContext(SettingsContext);
  if (!settings) throw new Error('useUiSettings outside <Providers>');
  return settings;
}

/** Whether the signed-in user may change things (an editor or above); a viewer's UI reads only. */
export function useCanEdit(): boolean {
  return canEdit(useUiSettings().user.role);
}

/** Its children only for users who may change things. */
export function EditorOnly({ children }: { children: ReactNode }) {
  return useCanEdit() ? <>{children}</> : null;
}

export function Providers({ settings, children }: { settings: UiSettings; children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 2_000,
            // a 4xx will not get better by asking again
            retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
          },
        },
      }),
  );
  return (
    <SettingsContext.Provider value={settings}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </SettingsContext.Provider>
  );
}
