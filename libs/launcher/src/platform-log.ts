/** Log entries the launcher itself writes (installs, launch problems), as opposed to a connector's. */
import type { LogLevel, LogSink } from '@tributary/domain';

export type PlatformLog = (level: LogLevel, message: string) => void;

export function platformLog(sink: LogSink | undefined): PlatformLog {
  return (level, message) => sink?.({ timestamp: Date.now(), level, origin: 'platform', message });
}
