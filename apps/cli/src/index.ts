export { runSync, buildSyncCommand, main as syncMain, EXIT, type SyncCommandOptions } from './sync-command.js';
export { parseConnectorRef } from './connector-ref.js';
