import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type TributaryClient = Client<paths>;
export type Schemas = components['schemas'];
/** The RFC 9457 body of every error response. */
export type Problem = Schemas['ProblemDto'];

export interface TributaryClientOptions {
  /** the server's origin, e.g. http://127.0.0.1:8000 (paths carry the /api/v1 prefix) */
  baseUrl: string;
  /** an API token (`trb_...`) or a web UI session (`trs_...`); a replication pod's attempt credential (`trr_...`) for the runner routes; none for the public routes (health, sign-in) */
  token?: string;
  /** a custom fetch, e.g. for tests or proxies */
  fetch?: ClientOptions['fetch'];
}

/**
 * A typed client of the Config API: paths, parameters, bodies and responses are
 * checked against the committed OpenAPI document.
 *
 *   const api = createTributaryClient({ baseUrl, token });
 *   const { data, error } = await api.GET('/api/v1/workspaces/{workspaceId}', { params: { path: { workspaceId } } });
 */
export function createTributaryClient(options: TributaryClientOptions): TributaryClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
