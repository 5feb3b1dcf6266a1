export { runBootloader, type BootloaderOptions, type StepReport } from './bootloader.js';
export { builtinSpecFetcher } from './builtin-specs.js';
export { connectorCatalog } from './connector-catalog.js';
export { compareVersions } from './version-compare.js';
