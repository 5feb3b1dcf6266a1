/** The destination's config, validated, and the node-postgres connection options it implies. */
import type { ConnectionOptions } from 'node:tls';
import { ConnectorError } from '@tributary/protocol';
import type { ClientConfig } from 'pg';
import { SSL_MODES, type SslModeName } from './spec.js';

export interface SslMode {
  mode: SslModeName;
  caCertificate?: string;
  clientCertificate?: string;
  clientKey?: string;
  clientKeyPassword?: string;
}

export interface PostgresDestinationConfig {
  host: string;
  port: number;
  database: string;
  username: string;
  password?: string;
  /** schema for streams without a namespace */
  schema: string;
  ssl: SslMode;
  /** keep every record whole in `_airbyte_data` (otherwise only rows with a value nulled by its column) */
  rawData: boolean;
}

function requiredString(raw: Record<string, unknown>, key: string): string {
  const value = raw[key];
  if (typeof value !== 'string' || value.trim() === '')
    throw new ConnectorError(`config.${key} is required (a non-empty string)`, 'config_error');
  return value;
}

function optionalString(raw: Record<string, unknown>, key: string, where = 'config'): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ConnectorError(`${where}.${key} must be a string`, 'config_error');
  return value;
}

function optionalBoolean(raw: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = raw[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean')
    throw new ConnectorError(`config.${key} must be true or false, got ${JSON.stringify(value)}`, 'config_error');
  return value;
}

function parsePort(value: unknown): number {
  if (value === undefined || value === null || value === '') return 5432;
  const port = typeof value === 'string' ? Number(value) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConnectorError(`config.port must be an integer between 1 and 65535, got ${JSON.stringify(value)}`, 'config_error');
  }
  return port;
}

function parseSslMode(value: unknown): SslMode {
  if (value === undefined || value === null) return { mode: 'prefer' };
  const raw = typeof value === 'string' ? { mode: value } : value;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConnectorError('config.ssl_mode must be an object with a "mode"', 'config_error');
  const fields = raw as Record<string, unknown>;
  const mode = fields['mode'];
  if (typeof mode !== 'string' || !(SSL_MODES as readonly string[]).includes(mode)) {
    throw new ConnectorError(`config.ssl_mode.mode must be one of ${SSL_MODES.join(', ')}, got ${JSON.stringify(mode)}`, 'config_error');
  }
  const ssl: SslMode = {
    mode: mode as SslModeName,
    caCertificate: optionalString(fields, 'ca_certificate', 'config.ssl_mode'),
    clientCertificate: optionalString(fields, 'client_certificate', 'config.ssl_mode'),
    clientKey: optionalString(fields, 'client_key', 'config.ssl_mode'),
    clientKeyPassword: optionalString(fields, 'client_key_password', 'config.ssl_mode'),
  };
  if ((ssl.mode === 'verify-ca' || ssl.mode === 'verify-full') && !ssl.caCertificate) {
    throw new ConnectorError(`config.ssl_mode.ca_certificate is required for ssl mode ${ssl.mode}`, 'config_error');
  }
  return ssl;
}

export function parseConfig(raw: Record<string, unknown>): PostgresDestinationConfig {
  const schema = optionalString(raw, 'schema');
  return {
    host: requiredString(raw, 'host'),
    port: parsePort(raw['port']),
    database: requiredString(raw, 'database'),
    username: requiredString(raw, 'username'),
    password: optionalString(raw, 'password'),
    schema: schema === undefined || schema === '' ? 'public' : schema,
    ssl: parseSslMode(raw['ssl_mode']),
    rawData: optionalBoolean(raw, 'raw_data', false),
  };
}

/** TLS options for a mode that uses TLS; `prefer`/`allow` decide at connect time. */
function tlsOptions(ssl: SslMode): ConnectionOptions {
  const client = {
    ...(ssl.clientCertificate ? { cert: ssl.clientCertificate } : {}),
    ...(ssl.clientKey ? { key: ssl.clientKey } : {}),
    ...(ssl.clientKeyPassword ? { passphrase: ssl.clientKeyPassword } : {}),
  };
  switch (ssl.mode) {
    case 'verify-full':
      return { ca: ssl.caCertificate, rejectUnauthorized: true, ...client };
    case 'verify-ca':
      // the chain is verified, the host name is not
      return { ca: ssl.caCertificate, rejectUnauthorized: true, checkServerIdentity: () => undefined, ...client };
    default:
      return { rejectUnauthorized: false, ...client };
  }
}

/**
 * Client configs to try in order: `prefer` tries TLS then plain, `allow` plain then TLS,
 * every other mode has exactly one.
 */
export function clientConfigs(config: PostgresDestinationConfig): ClientConfig[] {
  const base: ClientConfig = {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.username,
    password: config.password ?? '',
    application_name: 'tributary-destination-postgres',
    connectionTimeoutMillis: 30_000,
    keepAlive: true,
  };
  const plain = { ...base, ssl: false };
  const tls = { ...base, ssl: tlsOptions(config.ssl) };
  switch (config.ssl.mode) {
    case 'disable':
      return [plain];
    case 'allow':
      return [plain, tls];
    case 'prefer':
      return [tls, plain];
    default:
      return [tls];
  }
}
