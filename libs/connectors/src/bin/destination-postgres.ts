#!/usr/bin/env node
import { runConnector } from '@tributary/protocol';
import { destinationPostgres } from '../destination-postgres/index.js';

await runConnector(destinationPostgres);
