#!/usr/bin/env node
import { main } from '../sync-command.js';

await main();
