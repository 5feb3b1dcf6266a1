/** One pino logger per app: structured JSON lines, secrets redacted. */
import { pino, type Logger, type DestinationStream } from 'pino';
import type { LOG_LEVELS } from './env-parts.js';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, at any of the first three levels of nesting. */
export const REDACTED_KEYS = [
  'password',
  'secret',
  'token',
  'apiToken',
  'accessToken',
  'refreshToken',
  'api_key',
  'apiKey',
  'authorization',
  'credentials',
  'configuration',
  'connectionConfiguration',
  'TRIBUTARY_SECRET_KEY',
  'DATABASE_URL',
  'TRIBUTARY_S3_SECRET_ACCESS_KEY',
  'secretAccessKey',
] as const;

const redactPaths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export interface LoggerOptions {
  /** the app or component, e.g. `server` */
  name: string;
  level: (typeof LOG_LEVELS)[number];
  /** defaults to stdout; tests pass a stream to read lines back */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // asynchronous: a request handler never blocks on a slow stdout reader; flushed at exit
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
