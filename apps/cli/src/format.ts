/** Human-readable figures for progress lines and summaries. */
import type { ReplicationProgress, ReplicationResult } from '@tributary/replication';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

const count = (n: number) => n.toLocaleString('en-US');
const streamName = (s: { name: string; namespace?: string }) => (s.namespace ? `${s.namespace}.${s.name}` : s.name);

export function formatProgress(p: ReplicationProgress): string {
  const streams = p.streams.map((s) => `${streamName(s)} ${count(s.recordsEmitted)}`).join(', ');
  return (
    `${(p.elapsedMs / 1000).toFixed(1)}s  ${count(p.recordsEmitted)} records (${formatBytes(p.bytesEmitted)}) read, ` +
    `${count(p.recordsCommitted)} committed, ${count(Math.round(p.recordsPerSecond))} rec/s` +
    (streams ? `  [${streams}]` : '')
  );
}

export function formatSummary(r: ReplicationResult): string {
  const lines = [`sync ${r.status} in ${((r.endedAt - r.startedAt) / 1000).toFixed(2)}s`];
  const width = Math.max(6, ...r.streamStats.map((s) => streamName(s).length));
  lines.push(`  ${'stream'.padEnd(width)}  ${'emitted'.padStart(12)}  ${'committed'.padStart(12)}  ${'bytes'.padStart(10)}`);
  for (const s of r.streamStats) {
    lines.push(`  ${streamName(s).padEnd(width)}  ${count(s.recordsEmitted).padStart(12)}  ${count(s.recordsCommitted).padStart(12)}  ${formatBytes(s.bytesEmitted).padStart(10)}`);
  }
  for (const f of r.failures) {
    lines.push(`  failure: ${f.origin} ${f.type}: ${f.message}`);
    if (f.internalMessage) lines.push(...f.internalMessage.split('\n').slice(-10).map((l) => `    ${l}`));
  }
  return lines.join('\n');
}
