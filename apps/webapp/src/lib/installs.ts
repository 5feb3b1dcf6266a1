/**
 * PyPI and npm connectors install in the background: the API answers 503 connector_installing
 * (with Retry-After) while one installs. Pages that need the connector keep asking, at the pace
 * the API gives, and say what is going on; a failed install says pip's reason.
 */
import { ApiError } from './api';
import type { Definition } from './actors';

/** About 20 minutes at the API's usual 15 s: longer than any install a worker lets run. */
const MAX_INSTALL_POLLS = 80;

export const isInstalling = (error: unknown): boolean => error instanceof ApiError && error.problem.code === 'connector_installing';

/** react-query `retry`: keep asking while the connector installs, never for other errors. */
export function retryWhileInstalling(failureCount: number, error: unknown): boolean {
  return isInstalling(error) && failureCount < MAX_INSTALL_POLLS;
}

/** react-query `retryDelay`: the API's Retry-After. */
export function installRetryDelay(_attempt: number, error: unknown): number {
  const seconds = error instanceof ApiError ? error.problem.retryAfterSeconds : undefined;
  return (seconds ?? 15) * 1000;
}

/** Where a connector's install stands, in words for the catalog. */
export function installLabel(definition: Pick<Definition, 'installStatus' | 'installError'>): string {
  switch (definition.installStatus) {
    case 'ready':
      return 'ready';
    case 'installing':
      return 'installing on a worker…';
    case 'pending':
      return 'installs on first use';
    case 'failed':
      return `install failed: ${definition.installError ?? 'no reason given'}`;
  }
}
