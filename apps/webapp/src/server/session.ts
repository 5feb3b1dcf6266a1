/**
 * The browser's session: an httpOnly, SameSite=Lax cookie holding the API's session
 * credential (`trs_...`). Only this server reads it and sends it on as `Authorization:
 * Bearer`; browser JavaScript never sees it.
 */
import { cookies } from 'next/headers';
import { createTributaryClient, type Schemas, type TributaryClient } from '@tributary/api-client';
import { webappConfig } from './config';

export const SESSION_COOKIE = 'tributary_session';

export type SignedInUser = Schemas['UserResponseDto'];

export async function sessionCredential(): Promise<string | undefined> {
  return (await cookies()).get(SESSION_COOKIE)?.value;
}

/** The Config API client, with the session's credential when there is one. */
export function apiFor(credential: string | undefined): TributaryClient {
  return createTributaryClient({ baseUrl: webappConfig().TRIBUTARY_API_URL, ...(credential ? { token: credential } : {}) });
}

/** The signed-in user, or undefined when there is no session or it expired / was signed out. */
export async function currentSession(): Promise<Schemas['SessionResponseDto'] | undefined> {
  const credential = await sessionCredential();
  if (!credential) return undefined;
  const { data } = await apiFor(credential).GET('/api/v1/sessions/current');
  return data;
}

export async function storeSession(credential: string, expiresAt: Date): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, credential, {
    httpOnly: true,
    sameSite: 'lax',
    secure: webappConfig().TRIBUTARY_SECURE_COOKIES,
    path: '/',
    expires: expiresAt,
  });
}

export async function forgetSession(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
}
