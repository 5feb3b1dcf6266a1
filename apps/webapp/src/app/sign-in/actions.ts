'use server';

import { redirect } from 'next/navigation';
import { apiFor, forgetSession, sessionCredential, storeSession } from '@/server/session';

export interface SignInState {
  error?: string;
  email?: string;
}

/** only paths of this app: never an open redirect to another site */
const safeNext = (next: FormDataEntryValue | null) => (typeof next === 'string' && /^\/(?!\/)/.test(next) ? next : '/');

export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  if (!email || !password) return { error: 'Enter your email and your password.', email };
  const { data, error, response } = await apiFor(undefined).POST('/api/v1/sessions', { body: { email, password } });
  if (!data) {
    if (response.status === 401) return { error: 'The email or the password is wrong.', email };
    return { error: error?.detail ?? `Sign-in failed (HTTP ${response.status}).`, email };
  }
  await storeSession(data.token, new Date(data.expiresAt));
  redirect(safeNext(form.get('next')));
}

export async function signOut(): Promise<void> {
  const credential = await sessionCredential();
  // the API ends the session for good; the cookie alone would only hide it
  if (credential) await apiFor(credential).DELETE('/api/v1/sessions/current');
  await forgetSession();
  redirect('/sign-in');
}
