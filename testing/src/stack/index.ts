/** `@tributary/testing/stack`: the whole stack as separate processes, driven through the HTTP API. */
export * from './stack.js';
export * from './api-steps.js';
