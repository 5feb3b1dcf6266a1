import { NextResponse, type NextRequest } from 'next/server';

/**
 * Hands the requested path to the server layout, so a visitor without a session comes
 * back to the page they asked for after signing in.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set('x-tributary-path', `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ['/((?!api/|_next/|sign-in|favicon.ico).*)'] };
