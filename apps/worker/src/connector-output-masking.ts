/**
 * The one place where what a connector says is masked with its config's secret values before
 * it leaves the worker (stored, thrown, logged, returned or handed to Temporal). An activity
 * builds one from the secrets of the configs it runs and passes through it the launcher it uses
 * (spec/check/discover answers and failures, launch failures) and the attempt's outcome (the
 * engine's failure reasons: TRACE errors, the tail of stderr). Log lines are masked by the
 * attempt log itself (attempt-logs.ts), with the same values.
 */
import { maskFailure, maskSecrets, type FailureReason, type SecretMasker } from '@tributary/domain';
import { ConnectorLaunchError, type ConnectorLauncher, type LaunchResult } from '@tributary/launcher';
import type { AttemptOutcome } from '@tributary/workflows';

export class ConnectorOutputMasking {
  private readonly secretValues: Set<string>;
  private masker: SecretMasker;

  constructor(secretValues: Iterable<string>) {
    this.secretValues = new Set(secretValues);
    this.masker = maskSecrets(this.secretValues);
  }

  readonly text: SecretMasker = (text) => this.masker(text);

  /** More secrets to mask from now on (a connector rotated its config: CONTROL CONNECTOR_CONFIG). */
  add(secretValues: Iterable<string>): void {
    for (const value of secretValues) this.secretValues.add(value);
    this.masker = maskSecrets(this.secretValues);
  }

  failure(failure: FailureReason): FailureReason {
    return maskFailure(failure, this.text);
  }

  outcome(outcome: AttemptOutcome): AttemptOutcome {
    return { ...outcome, failures: outcome.failures.map((f) => this.failure(f)) };
  }

  /** `launcher`, whose answers and failures come back masked. */
  launcher(launcher: ConnectorLauncher): ConnectorLauncher {
    const result = <T>(r: LaunchResult<T>): LaunchResult<T> => (r.ok ? r : { ok: false, failure: this.failure(r.failure) });
    const launchErrors = (err: unknown): never => {
      throw err instanceof ConnectorLaunchError ? new ConnectorLaunchError(this.failure(err.failure)) : err;
    };
    return {
      spec: async (...args) => result(await launcher.spec(...args)),
      check: async (...args) => {
        const checked = result(await launcher.check(...args));
        const message = checked.ok ? checked.value.message : undefined;
        return checked.ok && typeof message === 'string' ? { ok: true, value: { ...checked.value, message: this.text(message) } } : checked;
      },
      discover: async (...args) => result(await launcher.discover(...args)),
      read: (...args) => launcher.read(...args).catch(launchErrors),
      write: (...args) => launcher.write(...args).catch(launchErrors),
    };
  }
}
