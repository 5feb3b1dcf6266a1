export { createServerApp, routesOf, API_PREFIX, SWAGGER_UI_PATH, type ServerAppOptions, type ServedRoute } from './app.js';
export type { AppDependencies } from './app.module.js';
export type { TemporalDependencies } from './temporal/temporal-settings.js';
export { lazyTemporalConnection, type TemporalConnection } from './temporal/temporal-connection.js';
export { buildOpenApiDocument } from './openapi/openapi-document.js';
export { startServerTracing, type ServerTracing } from './tracing/server-tracing.js';
