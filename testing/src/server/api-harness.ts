/**
 * A real server on an ephemeral loopback port, over a fresh migrated PostgreSQL
 * database, with one admin token. Tests talk to it with fetch, like any client.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { createLogger } from '@tributary/config';
import { LocalDirStorage } from '@tributary/storage';
import { ActorDefinitionEntity, ActorEntity, ApiTokenEntity, ConnectionEntity, WorkspaceEntity, createDataSource, newApiToken } from '@tributary/db';
import { createServerApp, lazyTemporalConnection, type ServerTracing, type TemporalDependencies } from '@tributary/server';
import { createTestDatabase, type TestDatabase } from '../postgres.js';

export interface ApiHarness {
  baseUrl: string;
  token: string;
  workspaceId: string;
  dataSource: DataSource;
  /** the key the server encrypts secrets with */
  secretKey: Buffer;
  /** the test database (e.g. DATABASE_URL of a worker process) */
  databaseUrl: string;
  /** the Temporal client the server uses */
  temporalClient: Client;
  /** where the server reads attempt logs from (a temp dir, removed on close) */
  storage: LocalDirStorage;
  app: NestFastifyApplication;
  /** every log line the server wrote, to check nothing secret is logged */
  logLines: string[];
  request(method: string, path: string, options?: { body?: unknown; token?: string | null; rawBody?: string }): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  contentType: string;
  headers: Headers;
  body: unknown;
  text: string;
}

export interface ApiHarnessOptions {
  /**
   * A Temporal server (e.g. startTestTemporal()) and the task queue the server starts
   * workflows on. Without it the server's Temporal is unreachable: calls that need it answer 503.
   */
  temporal?: { address: string; namespace: string; taskQueue: string } & Omit<TemporalDependencies, 'client' | 'taskQueue'>;
  /** let the API add `command` connector definitions (TRIBUTARY_ALLOW_COMMAND_CONNECTORS; off by default, as in production) */
  allowCommandConnectors?: boolean;
  /** start pending connector installs in the background this often (default 0: only on demand) */
  pendingInstallsIntervalMs?: number;
  /** how the notification outbox is sent (default: the server's, every second, retries from 10 s) */
  notifications?: { intervalMs?: number; retryBaseMs?: number };
  /** traces on (startServerTracing): request spans, and the Temporal client's OpenTelemetry interceptor */
  tracing?: ServerTracing;
}

/** nothing listens on port 1: calls fail at once, and give up after a second */
const UNREACHABLE_TEMPORAL = { address: '127.0.0.1:1', namespace: 'default', taskQueue: 'unreachable', rpcTimeoutMs: 1000 };

export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const db: TestDatabase = await createTestDatabase();
  const dataSource = await createDataSource({ url: db.url, applicationName: 'tributary-server-test' }).initialize();
  await dataSource.runMigrations();
  const { token, tokenHash, prefix } = newApiToken();
  await dataSource.getRepository(ApiTokenEntity).save({ name: 'test admin', tokenHash, prefix, role: 'instance_admin', workspaceId: null, lastUsedAt: null, revokedAt: null });
  const workspace = await dataSource.getRepository(WorkspaceEntity).save({ name: 'Test Workspace' });

  const logLines: string[] = [];
  const logger = createLogger({
    name: 'server-test',
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString());
        callback();
      },
    }),
  });
  const secretKey = randomBytes(32);
  const storage = new LocalDirStorage(await mkdtemp(join(tmpdir(), 'tributary-server-storage-')));
  const { address: temporalAddress, namespace, taskQueue, ...limits } = options.temporal ?? UNREACHABLE_TEMPORAL;
  // the server's own connection (lazy, retries held to each call's deadline, a close that waits for them)
  const temporal = lazyTemporalConnection(temporalAddress);
  const temporalClient = new Client({
    connection: temporal.connection,
    namespace,
    ...(options.tracing ? { interceptors: { workflow: options.tracing.workflowClientInterceptors } } : {}),
  });
  const app = await createServerApp({
    dataSource,
    secretKey,
    logger,
    storage,
    temporal: { client: temporalClient, taskQueue, ...limits },
    allowCommandConnectors: options.allowCommandConnectors ?? false,
    pendingInstallsIntervalMs: options.pendingInstallsIntervalMs ?? 0,
    ...(options.notifications ? { notifications: options.notifications } : {}),
    ...(options.tracing ? { tracing: options.tracing } : {}),
    // without Temporal, a background install would only leave Temporal calls retrying after the test
    backgroundInstalls: options.temporal !== undefined,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    baseUrl,
    token,
    workspaceId: workspace.id,
    dataSource,
    secretKey,
    databaseUrl: db.url,
    temporalClient,
    storage,
    app,
    logLines,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = {};
      const auth = options.token === undefined ? token : options.token;
      if (auth !== null) headers.authorization = `Bearer ${auth}`;
      let body: string | undefined;
      if (options.rawBody !== undefined) body = options.rawBody;
      else if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      const contentType = response.headers.get('content-type') ?? '';
      return { status: response.status, contentType, headers: response.headers, text, body: text && contentType.includes('json') ? (JSON.parse(text) as unknown) : text };
    },
    async close() {
      await app.close();
      await temporal.close();
      await dataSource.destroy();
      await db.drop();
      await rm(storage.rootDir, { recursive: true, force: true });
    },
  };
}

/** A source spec shaped like real Airbyte ones: a secret, a oneOf of auth methods with secrets, constraints. */
export const TEST_SOURCE_SPEC = {
  documentationUrl: 'https://example.com/docs',
  connectionSpecification: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    required: ['host', 'port', 'credentials'],
    additionalProperties: true,
    properties: {
      host: { type: 'string', minLength: 1 },
      port: { type: 'integer', minimum: 1, maximum: 65535 },
      password: { type: 'string', airbyte_secret: true },
      credentials: {
        type: 'object',
        oneOf: [
          {
            title: 'API key',
            required: ['auth_type', 'api_key'],
            properties: { auth_type: { const: 'api_key' }, api_key: { type: 'string', airbyte_secret: true } },
          },
          {
            title: 'OAuth',
            required: ['auth_type', 'client_id', 'client_secret'],
            properties: { auth_type: { const: 'oauth' }, client_id: { type: 'string' }, client_secret: { type: 'string', airbyte_secret: true } },
          },
        ],
      },
    },
  },
};

export async function seedDefinition(
  dataSource: DataSource,
  actorType: 'source' | 'destination',
  name: string,
  /** null: not cached yet (a worker runs `spec` on first use) */
  spec: ActorDefinitionEntity['spec'],
): Promise<ActorDefinitionEntity> {
  return dataSource.getRepository(ActorDefinitionEntity).save({
    actorType,
    name,
    runtime: { kind: 'builtin', name },
    version: '1.0.0',
    image: null,
    documentationUrl: null,
    spec,
    custom: false,
    // builtins have nothing to install
    installStatus: 'ready',
  });
}

/** A source or destination straight in the database, of a builtin definition `<actorType>-<name>` that takes any config; its id. */
export async function seedActor(dataSource: DataSource, workspaceId: string, actorType: 'source' | 'destination', name: string): Promise<string> {
  const definition = await seedDefinition(dataSource, actorType, `${actorType}-${name}`, { connectionSpecification: { type: 'object' } });
  const actor = await dataSource
    .getRepository(ActorEntity)
    .save({ workspaceId, actorDefinitionId: definition.id, actorType, name: `${actorType}-${name}`, configuration: {} });
  return actor.id;
}

/** A connection straight in the database (no catalog needed), for job/state tests. */
export async function seedConnection(dataSource: DataSource, workspaceId: string, name = 'seeded'): Promise<string> {
  const connection = await dataSource.getRepository(ConnectionEntity).save({
    name,
    sourceId: await seedActor(dataSource, workspaceId, 'source', name),
    destinationId: await seedActor(dataSource, workspaceId, 'destination', name),
    configuredCatalog: { streams: [] },
    sourceCatalogId: null,
    schedule: { type: 'manual' },
  });
  return connection.id;
}
