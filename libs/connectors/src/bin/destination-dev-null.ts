#!/usr/bin/env node
import { runConnector } from '@tributary/protocol';
import { destinationDevNull } from '../destination-dev-null/index.js';

await runConnector(destinationDevNull);
