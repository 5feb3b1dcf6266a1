export { AttemptReporter, type RunnerApi } from './attempt-reporter.js';
export { pipeLauncher } from './pipe-launcher.js';
export { preparePod } from './prepare.js';
