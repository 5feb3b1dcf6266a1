import Link from 'next/link';
import { useCanEdit } from '../providers';

/** An empty workspace: the four steps from nothing to a first sync, each done one marked. */
export function Onboarding({ hasSource, hasDestination }: { hasSource: boolean; hasDestination: boolean }) {
  const canEdit = useCanEdit();
  const next = !hasSource ? 'source' : !hasDestination ? 'destination' : 'connection';
  if (!canEdit) {
    return (
      <div className="card stack" style={{ maxWidth: 640 }}>
        <h1>No connections yet</h1>
        <p className="muted">You have view access to this workspace: its editors set up sources, destinations and connections, and you see them here.</p>
      </div>
    );
  }
  return (
    <div className="card stack" style={{ maxWidth: 640 }}>
      <h1>Welcome to Tributary</h1>
      <p className="muted">Move data from an API or a database into your warehouse in four steps.</p>
      <ol className="steps">
        <li className={hasSource ? 'done' : ''}>
          {hasSource ? 'A source is set up' : <Link href="/sources/new?next=/connections">Add your first source</Link>}
        </li>
        <li className={hasDestination ? 'done' : ''}>
          {hasDestination ? (
            'A destination is set up'
          ) : hasSource ? (
            <Link href="/destinations/new?next=/connections">Add a destination</Link>
          ) : (
            'Add a destination'
          )}
        </li>
        <li>
          {next === 'connection' ? (
            <Link href="/connections/new">Connect them: pick the streams to sync</Link>
          ) : (
            'Connect them: pick the streams to sync'
          )}
        </li>
        <li>Run the first sync</li>
      </ol>
    </div>
  );
}
