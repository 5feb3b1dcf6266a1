/**
 * One sync attempt inside a replication pod: libs/replication between the connector
 * containers' pipes, everything reported through the Config API (AttemptReporter).
 */
import { clearingLauncher, describePace, replicate, type ReplicationPodInput } from '@tributary/replication';
import { attemptOutcome, type AttemptOutcome } from '@tributary/workflows';
import type { AttemptReporter } from './attempt-reporter.js';
import { pipeLauncher } from './pipe-launcher.js';

export async function runAttempt(input: ReplicationPodInput, sharedDir: string, reporter: AttemptReporter, signal: AbortSignal): Promise<AttemptOutcome> {
  const { attempt } = input;
  const platformLog = (message: string) => reporter.log({ timestamp: Date.now(), level: 'info', origin: 'platform', message });
  platformLog(`the replication pod of attempt ${attempt.attemptNumber} of job ${attempt.jobId} runs the sync`);
  const launcher = pipeLauncher(sharedDir);
  const result = await replicate({
    launcher: input.destinationOnly ? clearingLauncher(launcher) : launcher,
    source: input.source,
    destination: input.destination,
    catalog: input.catalog,
    ...(input.destinationNaming ? { destinationNaming: input.destinationNaming } : {}),
    ...(input.fieldSelection ? { fieldSelection: input.fieldSelection } : {}),
    ...(input.state ? { state: input.state } : {}),
    signal,
    onLog: reporter.log,
    onProgress: reporter.progress,
    onStateCommitted: reporter.stateCommitted,
    onConfigUpdate: reporter.configUpdate,
    // the spill file (see SpillInput) goes in the pod's emptyDir, beside the pipes
    ...(input.options ? { options: { ...input.options, ...(input.options.spillMaxBytes ? { spillDir: sharedDir } : {}) } } : {}),
  });
  platformLog(describePace(result));
  return attemptOutcome(result);
}
