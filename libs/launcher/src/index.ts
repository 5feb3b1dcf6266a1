export * from './types.js';
export * from './connector-process.js';
export * from './process-launcher.js';
export * from './runtimes.js';
export * from './messages-to-logs.js';
