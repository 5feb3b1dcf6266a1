/** `@tributary/testing/worker`: the real workflows and activities on a Temporal dev server. */
export * from './harness.js';
