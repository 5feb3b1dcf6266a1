/** `@tributary/testing/replication`: replicate() against the fixture connectors, in this process or one of its own. */
export * from './harness.js';
