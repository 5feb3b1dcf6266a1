/**
 * destination-postgres: typed tables from each stream's JSON schema, loaded with COPY;
 * overwrite, append and append_dedup. See write.ts for the commit rules.
 */
import type { Connector } from '@tributary/protocol';
import { checkPostgres } from './check.js';
import { destinationPostgresSpec } from './spec.js';
import { writeToPostgres } from './write.js';

export const destinationPostgres: Connector = {
  spec: () => destinationPostgresSpec,
  check: checkPostgres,
  write: writeToPostgres,
};
