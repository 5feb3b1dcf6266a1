import { describe, expect, it } from 'vitest';
import { createTributaryClient } from './client.js';

describe('createTributaryClient', () => {
  it('sends the bearer token to typed paths under the base URL', async () => {
    const seen: Request[] = [];
    const api = createTributaryClient({
      baseUrl: 'http://api.test/',
      token: 'trb_x',
      fetch: async (request: Request) => {
        seen.push(request);
        return new Response(JSON.stringify({ version: '9.9.9' }), { headers: { 'content-type': 'application/json' } });
      },
    });
    const { data } = await api.GET('/api/v1/version');
    expect(data?.version).toBe('9.9.9');
    expect(seen[0]?.url).toBe('http://api.test/api/v1/version');
    expect(seen[0]?.headers.get('authorization')).toBe('Bearer trb_x');
  });

  it('returns problem+json bodies as typed errors', async () => {
    const problem = { type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' };
    const api = createTributaryClient({
      baseUrl: 'http://api.test',
      token: 't',
      fetch: async () => new Response(JSON.stringify(problem), { status: 404, headers: { 'content-type': 'application/problem+json' } }),
    });
    const { data, error } = await api.GET('/api/v1/workspaces/{workspaceId}', { params: { path: { workspaceId: '00000000-0000-0000-0000-000000000000' } } });
    expect(data).toBeUndefined();
    expect(error).toEqual(problem);
  });
});
