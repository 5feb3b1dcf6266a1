/** One structured log line of an attempt, as connectors and the platform write it and the API serves it. */
import type { FailureOrigin } from './failures.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface LogEntry {
  timestamp: number;
  level: LogLevel;
  origin: FailureOrigin;
  message: string;
}

export type LogSink = (entry: LogEntry) => void;
