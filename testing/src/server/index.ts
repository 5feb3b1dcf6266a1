/** `@tributary/testing/server`: the Config API on a fresh database, with or without a real worker process. */
export * from './api-harness.js';
export * from './server-with-worker.js';
export * from './temporal-app.js';
export * from './worker-process.js';
export * from './temporal-history.js';
export * from './schemathesis.js';
export * from './sample-syncs.js';
