export {
  PodSweeper,
  finishedAtOf,
  systemClock,
  type Clock,
  type PodsApi,
  type PodSweeperOptions,
  type SweepCounts,
  type SweepTotals,
} from './pod-sweeper.js';

export { registerSweepMetrics } from './metrics.js';
