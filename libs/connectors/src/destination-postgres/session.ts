/**
 * One connection to the destination database and the few operations the loader needs:
 * plain queries, COPY FROM STDIN of prepared binary rows, and an explicit transaction that
 * stays open between commit points (a STATE message, the end of input).
 */
import { once } from 'node:events';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { clientConfigs, type PostgresDestinationConfig } from './config.js';
import { BINARY_COPY_HEADER, BINARY_COPY_TRAILER } from './copy-buffer.js';
import { toConnectorError, type Endpoint } from './errors.js';

const LOCK_NOT_AVAILABLE = '55P03';
const INSUFFICIENT_PRIVILEGE = '42501';

function shouldTryNext(mode: string, err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : '';
  if (mode === 'prefer') return /does not support SSL/i.test(message);
  if (mode === 'allow') return code === '28000'; // pg_hba demands TLS (hostssl)
  return false;
}

/** Connects as configured, trying plain/TLS in the order the SSL mode implies. */
async function connectClient(config: PostgresDestinationConfig): Promise<pg.Client> {
  const candidates = clientConfigs(config);
  let lastError: unknown;
  for (const [i, clientConfig] of candidates.entries()) {
    const client = new pg.Client(clientConfig);
    try {
      await client.connect();
      // quoteLiteral doubles quotes only: a server (database, role) set to let backslashes escape would misread them
      await client.query('SET standard_conforming_strings = on');
      return client;
    } catch (err) {
      lastError = err;
      await client.end().catch(() => undefined);
      if (i === candidates.length - 1 || !shouldTryNext(config.ssl.mode, err)) break;
    }
  }
  throw lastError;
}

export class PostgresSession {
  private inTransaction = false;
  /** an error the idle connection reported (e.g. the server went away) */
  private connectionError: unknown;

  private constructor(
    private readonly client: pg.Client,
    readonly endpoint: Endpoint,
  ) {
    // without a listener, a connection dropped while idle crashes the process
    client.on('error', (err) => {
      this.connectionError = err;
    });
  }

  static async connect(config: PostgresDestinationConfig): Promise<PostgresSession> {
    const endpoint: Endpoint = { host: config.host, port: config.port, database: config.database, username: config.username };
    try {
      return new PostgresSession(await connectClient(config), endpoint);
    } catch (err) {
      throw toConnectorError(err, endpoint);
    }
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    if (this.connectionError) throw toConnectorError(this.connectionError, this.endpoint);
    try {
      return await this.client.query<R>(sql, params);
    } catch (err) {
      throw toConnectorError(err, this.endpoint);
    }
  }

  /** Streams `chunks` (binary COPY rows) through `COPY ... FROM STDIN (FORMAT binary)`; returns the row count. */
  async copyIn(copySql: string, chunks: readonly Buffer[]): Promise<number> {
    if (this.connectionError) throw toConnectorError(this.connectionError, this.endpoint);
    const stream = this.client.query(copyFrom(copySql));
    // the awaits below see the error; this keeps a late one from crashing the process
    stream.on('error', () => undefined);
    try {
      for (const chunk of [BINARY_COPY_HEADER, ...chunks]) {
        if (!stream.write(chunk)) await once(stream, 'drain');
      }
      stream.end(BINARY_COPY_TRAILER);
      await once(stream, 'finish');
      return stream.rowCount;
    } catch (err) {
      throw toConnectorError(err, this.endpoint);
    }
  }

  /**
   * Runs `sql` in the open transaction, in a savepoint, waiting at most `lockTimeoutMs` for
   * its locks. When others hold them that long, or this role lacks the privilege, nothing is
   * done and the reason comes back; undefined when it ran.
   */
  async queryIfAllowed(sql: string, lockTimeoutMs: number): Promise<'locked' | 'not permitted' | undefined> {
    await this.query('SAVEPOINT tributary_if_allowed');
    try {
      await this.client.query(`SET LOCAL lock_timeout = ${Math.round(lockTimeoutMs)}`);
      await this.client.query(sql);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code !== LOCK_NOT_AVAILABLE && code !== INSUFFICIENT_PRIVILEGE) throw toConnectorError(err, this.endpoint);
      await this.query('ROLLBACK TO SAVEPOINT tributary_if_allowed');
      return code === LOCK_NOT_AVAILABLE ? 'locked' : 'not permitted';
    }
    // the savepoint ends, the transaction's own lock timeout comes back
    await this.query('RELEASE SAVEPOINT tributary_if_allowed');
    await this.query('SET LOCAL lock_timeout TO DEFAULT');
    return undefined;
  }

  /** Opens a transaction unless one is open. */
  async begin(): Promise<void> {
    if (this.inTransaction) return;
    await this.query('BEGIN');
    this.inTransaction = true;
  }

  /** Commits the open transaction, if any. */
  async commit(): Promise<void> {
    if (!this.inTransaction) return;
    await this.query('COMMIT');
    this.inTransaction = false;
  }

  /** Runs `work` in its own transaction (or in the open one). */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.begin();
    const result = await work();
    await this.commit();
    return result;
  }

  /** Closes the connection; an open transaction is rolled back by the server. */
  async close(): Promise<void> {
    const ended = this.client.end().catch(() => undefined);
    // a connection stuck mid-COPY may never answer the terminate message
    const timer = new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref());
    await Promise.race([ended, timer]);
  }
}
