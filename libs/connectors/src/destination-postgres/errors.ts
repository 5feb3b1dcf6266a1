/**
 * Postgres and network errors as ConnectorErrors whose failure type says whose fault
 * it is: config_error for what the user must fix (credentials, database, permissions,
 * host name), transient_error for what a retry may cure (connection lost, server
 * restarting, out of resources), system_error for the rest.
 */
import { ConnectorError, type FailureType } from '@tributary/protocol';

interface ErrorWithCode {
  code?: unknown;
  message?: unknown;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as ErrorWithCode | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** pg's DatabaseError (a message from the server) carries a severity; Node's errors do not. */
function isServerError(err: unknown): boolean {
  return typeof (err as { severity?: unknown } | null)?.severity === 'string';
}

function messageOf(err: unknown): string {
  const message = (err as ErrorWithCode | null)?.message;
  return typeof message === 'string' ? message : String(err);
}

export interface Endpoint {
  host: string;
  port: number;
  database: string;
  username: string;
}

const NETWORK_TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/** SQLSTATE classes and codes a retry can cure. */
function isTransientSqlState(code: string): boolean {
  return (
    code.startsWith('08') || // connection exception
    code.startsWith('53') || // insufficient resources (disk full, too many connections)
    code === '57P01' || // admin shutdown
    code === '57P02' || // crash shutdown
    code === '57P03' || // cannot connect now (starting up)
    code === '40001' || // serialization failure
    code === '40P01' || // deadlock
    code === '55P03' // lock not available
  );
}

function isConnectionLoss(message: string): boolean {
  return /Connection terminated|connection timeout|terminating connection|Client has encountered a connection error|socket hang up/i.test(
    message,
  );
}

/** A user-facing description and failure type for an error from pg or the network. */
export function describePostgresError(err: unknown, endpoint: Endpoint): { message: string; failureType: FailureType } {
  const code = codeOf(err);
  const detail = messageOf(err);
  const where = `${endpoint.host}:${endpoint.port}`;
  switch (code) {
    case '28P01':
      return {
        failureType: 'config_error',
        message: `password authentication failed for user "${endpoint.username}" on ${where}: check the username and password`,
      };
    case '28000':
      return { failureType: 'config_error', message: `the server at ${where} refused the connection: ${detail}` };
    case '3D000':
      return { failureType: 'config_error', message: `database "${endpoint.database}" does not exist on ${where}` };
    case '42501':
      return { failureType: 'config_error', message: `permission denied for user "${endpoint.username}": ${detail}` };
    case 'ENOTFOUND':
      return { failureType: 'config_error', message: `could not resolve host "${endpoint.host}": check the host name` };
    case 'ECONNREFUSED':
      return {
        failureType: 'transient_error',
        message: `could not connect to ${where}: connection refused (is the server running and accepting TCP connections?)`,
      };
  }
  if (isServerError(err)) {
    const failureType = code && isTransientSqlState(code) ? 'transient_error' : 'system_error';
    return { failureType, message: `Postgres at ${where}: ${detail}${code ? ` (SQLSTATE ${code})` : ''}` };
  }
  if (code && NETWORK_TRANSIENT.has(code))
    return { failureType: 'transient_error', message: `network error talking to ${where}: ${detail}` };
  if (/does not support SSL/i.test(detail) || (code && /CERT|TLS|SSL/.test(code))) {
    return { failureType: 'config_error', message: `TLS connection to ${where} failed: ${detail} (check the SSL mode and certificates)` };
  }
  if (isConnectionLoss(detail)) return { failureType: 'transient_error', message: `lost the connection to ${where}: ${detail}` };
  return { failureType: 'system_error', message: `Postgres at ${where}: ${detail}` };
}

export function toConnectorError(err: unknown, endpoint: Endpoint): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const { message, failureType } = describePostgresError(err, endpoint);
  return new ConnectorError(message, failureType, err instanceof Error ? err.stack : undefined);
}
