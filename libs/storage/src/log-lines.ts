/** The stored form of a log entry: one JSON object per line. */
import type { FailureOrigin, LogEntry, LogLevel } from '@tributary/domain';

const LEVELS: ReadonlySet<string> = new Set<LogLevel>(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
const ORIGINS: ReadonlySet<string> = new Set<FailureOrigin>(['source', 'destination', 'replication', 'platform']);

export function toLogLine(entry: LogEntry): string {
  return `${JSON.stringify({ timestamp: entry.timestamp, level: entry.level, origin: entry.origin, message: entry.message })}\n`;
}

/**
 * A stored line back as an entry. A line that is not one (a torn write after a crash, a
 * hand-edited file) becomes a platform warning rather than failing the whole page.
 */
export function fromLogLine(line: string): LogEntry {
  try {
    const value = JSON.parse(line) as Partial<Record<keyof LogEntry, unknown>> | null;
    if (
      value &&
      typeof value.timestamp === 'number' &&
      // within what a Date can hold, so readers can always format it
      Math.abs(value.timestamp) <= 8.64e15 &&
      typeof value.level === 'string' &&
      LEVELS.has(value.level) &&
      typeof value.origin === 'string' &&
      ORIGINS.has(value.origin) &&
      typeof value.message === 'string'
    ) {
      return { timestamp: value.timestamp, level: value.level as LogLevel, origin: value.origin as FailureOrigin, message: value.message };
    }
  } catch {
    // not JSON: reported below
  }
  return { timestamp: 0, level: 'warn', origin: 'platform', message: `unreadable log line: ${line.slice(0, 500)}` };
}
