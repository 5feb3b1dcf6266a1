/** `@tributary/testing/cli`: the tributary-sync CLI as a process. */
export * from './run-cli.js';
