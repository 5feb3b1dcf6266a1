export * from './types.js';
export * from './connector-process.js';
export * from './process-launcher.js';
export * from './runtimes.js';
export * from './messages-to-logs.js';
export { findExecutable } from './find-executable.js';
export { installOnce, isInstalled, INSTALLED_MARKER } from './install-once.js';
export { pypiInstallDir } from './pypi-runtime.js';
export { npmInstallTarget } from './npm-runtime.js';
