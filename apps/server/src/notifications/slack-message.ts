/** A Slack-compatible incoming-webhook message for an event: one readable line, then the facts. */
import type { CloudEvent } from '@tributary/db';

const count = (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : '?');

function megabytes(bytes: unknown): string {
  return typeof bytes === 'number' ? `${(bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 2 : 0)} MB` : '?';
}

function headline(event: CloudEvent): string {
  const d = event.data;
  const name = `*${String(d.connectionName ?? d.connectionId ?? 'a connection')}*`;
  switch (event.type) {
    case 'io.tributary.sync.succeeded':
      return `:white_check_mark: Sync succeeded: ${name}: ${count(d.recordsCommitted)} records (${megabytes(d.bytesCommitted)}) in ${String(d.durationSeconds)} s`;
    case 'io.tributary.sync.failed': {
      const failure = d.failure as { origin?: string; message?: string } | null;
      return `:x: Sync failed: ${name} after ${count(d.attempts)} attempt(s)${failure ? `: ${failure.origin ?? 'unknown'} error: ${failure.message ?? ''}` : ''}`;
    }
    case 'io.tributary.connection.disabled':
      return `:warning: Connection disabled: ${name}: ${String(d.reason ?? '')}`;
    case 'io.tributary.schema.change_detected':
      return `:mag: Schema change detected in ${name}${(d.breaking as string[] | undefined)?.length ? ' (breaking)' : ''}: review it`;
    case 'io.tributary.schema.change_applied':
      return `:arrows_counterclockwise: Schema change applied to ${name}`;
    default:
      return `:bell: ${String(d.message ?? event.type)}`;
  }
}

export function slackMessage(event: CloudEvent): { text: string } {
  const d = event.data;
  const facts = [d.jobId ? `job ${String(d.jobId)}` : '', d.connectionId ? `connection ${String(d.connectionId)}` : '', event.time].filter(Boolean);
  return { text: `${headline(event)}\n${facts.join(' · ')}` };
}
