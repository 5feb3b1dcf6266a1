import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="sign-in">
      <div className="card stack">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address.</p>
        <Link href="/connections">Go to your connections</Link>
      </div>
    </main>
  );
}
