#!/usr/bin/env node
import { runConnector } from '@tributary/protocol';
import { destinationJsonl } from '../destination-jsonl/index.js';

await runConnector(destinationJsonl);
