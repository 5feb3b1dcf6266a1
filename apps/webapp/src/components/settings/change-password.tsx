'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, unwrap } from '@/lib/api';
import { useUiSettings } from '../providers';

export function ChangePassword() {
  const { user } = useUiSettings();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const change = useMutation({
    mutationFn: async () => unwrap(await api().PUT('/api/v1/sessions/current/password', { body: { currentPassword, newPassword } })),
    onSuccess: () => {
      setCurrent('');
      setNew('');
    },
  });
  const fieldError = (field: string) =>
    change.error instanceof ApiError ? change.error.problem.errors?.find((e) => e.pointer?.endsWith(`/${field}`))?.detail : undefined;
  return (
    <section className="stack" style={{ maxWidth: 420 }}>
      <h2>Your password</h2>
      <p className="muted small">Signed in as {user.email}. Changing it signs out your other sessions.</p>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate();
        }}
      >
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            value={currentPassword}
            onChange={(e) => setCurrent(e.target.value)}
            required
            aria-invalid={!!fieldError('currentPassword')}
          />
          {fieldError('currentPassword') ? <span className="error-text small">{fieldError('currentPassword')}</span> : null}
        </label>
        <label>
          New password (12 characters or more)
          <input
            type="password"
            autoComplete="new-password"
            minLength={12}
            value={newPassword}
            onChange={(e) => setNew(e.target.value)}
            required
            aria-invalid={!!fieldError('newPassword')}
          />
          {fieldError('newPassword') ? <span className="error-text small">{fieldError('newPassword')}</span> : null}
        </label>
        <div aria-live="polite">{change.isSuccess ? <p role="status">Password changed.</p> : null}</div>
        <button type="submit" disabled={change.isPending}>
          Change password
        </button>
      </form>
    </section>
  );
}
