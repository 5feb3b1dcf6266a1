import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentSession } from '@/server/session';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in · Tributary' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string; expired?: string }> }) {
  if (await currentSession()) redirect('/');
  const { next, expired } = await searchParams;
  return (
    <main className="sign-in">
      <div className="card">
        <h1>
          <span className="logo" aria-hidden="true">
            ≋
          </span>{' '}
          Tributary
        </h1>
        {expired ? (
          <p className="notice">Your session has ended. Sign in again.</p>
        ) : (
          <p className="muted">Sign in to manage your data syncs.</p>
        )}
        <SignInForm next={next ?? '/'} />
        <p className="muted small">
          The first admin&apos;s email and password were printed by <code>npm start</code> the first time it ran (also in{' '}
          <code>.data/admin-password</code>).
        </p>
      </div>
    </main>
  );
}
