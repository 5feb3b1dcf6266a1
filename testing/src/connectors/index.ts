/** `@tributary/testing/connectors`: first-party connectors run as real processes, catalogs for them, a destination database. */
export * from './built-connector.js';
export * from './connector-run.js';
export * from './catalogs.js';
export * from './destination-database.js';
export * from './declarative-source.js';
