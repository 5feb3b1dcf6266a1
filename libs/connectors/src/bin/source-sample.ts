#!/usr/bin/env node
import { runConnector } from '@tributary/protocol';
import { sourceSample } from '../source-sample/index.js';

await runConnector(sourceSample);
