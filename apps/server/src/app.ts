import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule, type AppDependencies } from './app.module.js';
import { ProblemDetailsFilter, serverErrorsLogged } from './errors/problem-details.filter.js';
import { PinoNestLogger } from './infrastructure/pino-nest-logger.js';
import { buildOpenApiDocument } from './openapi/openapi-document.js';
import { createValidationPipe } from './validation/validation-pipe.js';
import { parseJsonBody } from './validation/json-body.js';
import { allowedMethodsOf } from './errors/allowed-methods.js';
import { ApiProblem } from './errors/api-problem.js';
import { loggableUrl } from './common/loggable-url.js';

export const API_PREFIX = 'api/v1';
export const SWAGGER_UI_PATH = 'api/docs';

export interface ServerAppOptions {
  /** serve Swagger UI at /api/docs and the document at /api/v1/openapi.json (default true) */
  swaggerUi?: boolean;
}

export interface ServedRoute {
  method: string;
  /** fastify syntax: `/api/v1/workspaces/:workspaceId` */
  url: string;
}
const servedRoutes = new WeakMap<object, ServedRoute[]>();

/** Every route the HTTP server registered, as the router sees it (tests enumerate them). */
export function routesOf(app: NestFastifyApplication): ServedRoute[] {
  return servedRoutes.get(app) ?? [];
}

/** The configured Nest app, not yet listening: main.ts listens, tests and the OpenAPI script do not. */
export async function createServerApp(deps: AppDependencies, options: ServerAppOptions = {}): Promise<NestFastifyApplication> {
  // one access-log line per request (method, url, status, time; never bodies or headers), not fastify's two
  const httpLog = deps.logger.child({ component: 'http' });
  const adapter = new FastifyAdapter({
    bodyLimit: 5 * 1024 * 1024,
    // any path parameter reaches its pipe (a 400 naming it), never fastify's bare 414; Node caps the request line anyway
    routerOptions: { maxParamLength: 16 * 1024 },
    loggerInstance: httpLog,
    logController: new LogController({ disableRequestLogging: true }),
  });
  if (deps.tracing) (await import('./tracing/request-spans.js')).installRequestSpans(adapter.getInstance(), deps.tracing.tracer);
  // JSON is the only body the API reads (anything else: 415), checked for depth and unstorable values first
  adapter.getInstance().removeAllContentTypeParsers();
  adapter.getInstance().addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // any other type is a 415, but an empty body is no body whatever its label (fetch calls '' text/plain)
  adapter.getInstance().addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    const type = request.headers['content-type'] ?? '(none)';
    done(Object.assign(new Error(`the request body must be application/json, not ${type}`), { statusCode: 415 }), undefined);
  });
  adapter.getInstance().addHook('onResponse', (request, reply, done) => {
    const line = { method: request.method, url: loggableUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    // the route's pattern, never the URL (ids would make a series per resource)
    deps.httpMetrics?.requestServed(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500 && !serverErrorsLogged.has(request)) httpLog.error(line, 'request failed');
    else httpLog.info(line, 'request');
    done();
  });
  const routes: ServedRoute[] = [];
  adapter.getInstance().addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  // a method the path is not served with is a 405 with Allow, decided on the path as the document has it:
  // PATCH /sources/check is not PATCH /sources/:sourceId, and QUERY /health fails before any body is read
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?')[0] ?? request.url;
    const allowed = allowedMethodsOf(routes, path);
    if (allowed.length === 0 || allowed.includes(request.method)) return done();
    void reply.header('allow', allowed.join(', '));
    done(new ApiProblem(405, 'method_not_allowed', 'Method not allowed', `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`));
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(deps), adapter, {
    logger: new PinoNestLogger(deps.logger.child({ component: 'nest' })),
    abortOnError: false,
    // Nest would add its own JSON and form parsers: the one above is all there is
    bodyParser: false,
  });
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalFilters(new ProblemDetailsFilter(deps.logger));
  app.useGlobalPipes(createValidationPipe());
  if (options.swaggerUi ?? true) {
    SwaggerModule.setup(SWAGGER_UI_PATH, app, () => buildOpenApiDocument(app), {
      jsonDocumentUrl: `${API_PREFIX}/openapi.json`,
      yamlDocumentUrl: `${API_PREFIX}/openapi.yaml`,
    });
  }
  await app.init();
  servedRoutes.set(app, routes);
  return app;
}
