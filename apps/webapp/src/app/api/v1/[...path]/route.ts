/**
 * The browser's way to the Config API: same origin, the session cookie turned into
 * `Authorization: Bearer` here, so no credential is ever readable by page scripts. The
 * browser code calls it through libs/api-client (typed paths), exactly like the API.
 */
import type { NextRequest } from 'next/server';
import { webappConfig } from '@/server/config';
import { SESSION_COOKIE } from '@/server/session';

/** hop-by-hop and credential headers are never passed through */
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type'];
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'content-disposition', 'cache-control'];

function problem(status: number, title: string, detail: string): Response {
  return Response.json({ type: 'about:blank', title, status, detail }, { status, headers: { 'content-type': 'application/problem+json' } });
}

/** A state-changing request must come from this site (SameSite already stops most cross-site ones). */
function fromThisSite(request: NextRequest): boolean {
  const origin = request.headers.get('origin');
  if (!origin) return request.headers.get('sec-fetch-site') !== 'cross-site';
  return origin === request.nextUrl.origin || new URL(origin).host === request.headers.get('host');
}

async function forward(request: NextRequest, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await context.params;
  if (request.method !== 'GET' && request.method !== 'HEAD' && !fromThisSite(request)) {
    return problem(403, 'Forbidden', 'cross-site requests are refused');
  }
  // signing in and out goes through the sign-in page, which sets and clears the cookie
  if (path[0] === 'sessions' && path.length === 1) return problem(404, 'Not found', 'sign in through the sign-in page');
  const credential = request.cookies.get(SESSION_COOKIE)?.value;
  if (!credential) return problem(401, 'Unauthenticated', 'sign in first');

  const target = new URL(`/api/v1/${path.map(encodeURIComponent).join('/')}${request.nextUrl.search}`, webappConfig().TRIBUTARY_API_URL);
  const headers = new Headers({ authorization: `Bearer ${credential}` });
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const hasBody = !['GET', 'HEAD', 'DELETE'].includes(request.method);
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.text() : undefined,
      cache: 'no-store',
    });
  } catch {
    return problem(502, 'API unreachable', `the Config API at ${webappConfig().TRIBUTARY_API_URL} does not answer`);
  }
  const responseHeaders = new Headers();
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) responseHeaders.set(name, value);
  }
  return new Response(upstream.status === 204 ? null : await upstream.arrayBuffer(), { status: upstream.status, headers: responseHeaders });
}

export const GET = forward;
export const POST = forward;
export const PUT = forward;
export const PATCH = forward;
export const DELETE = forward;
