/**
 * The Config API as page scripts see it: libs/api-client's typed client pointed at this
 * site's /api/v1 (the server adds the credential). A 401 means the session ended: back to
 * sign-in.
 */
import { createTributaryClient, type Problem, type Schemas, type TributaryClient } from '@tributary/api-client';

export type { Problem, Schemas };

let client: TributaryClient | undefined;

export function api(): TributaryClient {
  if (!client) {
    client = createTributaryClient({ baseUrl: window.location.origin });
    client.use({
      onResponse({ response }) {
        if (response.status === 401 && !window.location.pathname.startsWith('/sign-in')) {
          window.location.assign(`/sign-in?expired=1&next=${encodeURIComponent(window.location.pathname)}`);
        }
        return response;
      },
    });
  }
  return client;
}

/** An API error with its RFC 9457 problem, thrown to react-query. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

/** The data of an openapi-fetch result, or an ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    if (result.response.ok && result.data === undefined) return undefined as T;
    throw new ApiError(result.response.status, (result.error ?? {}) as Partial<Problem>);
  }
  return result.data;
}
