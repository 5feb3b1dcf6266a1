'use client';

/** What a page shows when rendering it failed, instead of a blank screen. */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="card stack">
      <h1>Something went wrong on this page</h1>
      <p className="error-text">{error.message || 'An unexpected error occurred.'}</p>
      <div>
        <button type="button" onClick={reset}>
          Try again
        </button>
      </div>
    </div>
  );
}
