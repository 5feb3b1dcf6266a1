/**
 * Another server app over the harness's database, with its own Temporal settings (a task
 * queue nobody polls, a short connector timeout, ...), answering through fastify's inject.
 */
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger } from '@tributary/config';
import { createServerApp, type TemporalDependencies } from '@tributary/server';
import type { ApiHarness, ApiResponse } from './api-harness.js';

export interface InjectedApp {
  app: NestFastifyApplication;
  request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<Pick<ApiResponse, 'status' | 'body'>>;
  close(): Promise<void>;
}

export async function startAppWithTemporal(
  api: ApiHarness,
  temporal: Partial<TemporalDependencies> & Pick<TemporalDependencies, 'taskQueue'>,
): Promise<InjectedApp> {
  const logger = createLogger({ name: 'server-test-2', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const app = await createServerApp(
    {
      dataSource: api.dataSource,
      secretKey: api.secretKey,
      logger,
      storage: api.storage,
      temporal: { client: api.temporalClient, ...temporal },
    },
    { swaggerUi: false },
  );
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    async request(method, path, body) {
      const response = await app.inject({
        method,
        url: path,
        headers: { authorization: `Bearer ${api.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      return { status: response.statusCode, body: response.body ? (JSON.parse(response.body) as unknown) : undefined };
    },
    close: () => app.close(),
  };
}
