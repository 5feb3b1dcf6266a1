/** `@tributary/testing/replication`: replicate() against the fake connector, in this process or one of its own. */
export * from './harness.js';
