export {
  PodSweeper,
  finishedAtOf,
  systemClock,
  type Clock,
  type PodsApi,
  type PodSweeperOptions,
  type SweepCounts,
} from './pod-sweeper.js';
export * from './job-pod-labels.js';
