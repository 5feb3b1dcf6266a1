/**
 * Everything a replication pod tells the platform goes through the Config API with the
 * attempt's own runner token (the pod holds no database or storage credentials):
 * - committed state: awaited, retried for about a minute, before the engine takes the next
 *   one (a state the API did not confirm fails the attempt; nothing is acknowledged early);
 * - progress: at most every progressIntervalMs, the last one always;
 * - log lines: batched, one call in flight, in order;
 * - the outcome, last, once the logs are flushed.
 * Failed calls are retried, except for answers that will not change (a 4xx other than 408 or
 * 429); after a 401 (the attempt has finished: a cancel) nothing more is sent, so a deleted
 * pod ends at once instead of at its grace period.
 */
import pRetry from 'p-retry';
import { maskFailure, maskSecrets, type ConnectorRole, type LogEntry, type SecretMasker } from '@tributary/domain';
import type { ReplicationProgress, ReplicationState, ReplicationTotals } from '@tributary/replication';
import type { AttemptOutcome } from '@tributary/workflows';

/** An answer of the API other than success (the status tells whether asking again can help). */
export class RunnerApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }

  /** a 4xx other than a timeout or a rate limit: the same call gets the same answer */
  get final(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

/** The runner endpoints of one attempt. Each call rejects when the API did not take it (a RunnerApiError when it answered). */
export interface RunnerApi {
  progress(progress: ReplicationProgress): Promise<void>;
  state(state: ReplicationState, totals: ReplicationTotals): Promise<void>;
  logs(entries: LogEntry[]): Promise<void>;
  configUpdate(role: ConnectorRole, config: Record<string, unknown>): Promise<void>;
  outcome(outcome: AttemptOutcome): Promise<void>;
}

export interface AttemptReporterOptions {
  secretValues: readonly string[];
  /** default 2 s, as the worker persists progress */
  progressIntervalMs?: number;
  /** default 500 ms */
  logFlushIntervalMs?: number;
  retry?: { retries: number; minTimeout: number; maxTimeout: number };
  /** where the reporter's own troubles go (the container's stderr) */
  warn?: (message: string) => void;
}

/** a batch is cut at whichever comes first (the API takes at most 5,000 entries and 5 MiB per call) */
const MAX_LOG_BATCH = 1_000;
const MAX_LOG_BATCH_BYTES = 2 * 1024 * 1024;
const DEFAULT_RETRY = { retries: 8, minTimeout: 500, maxTimeout: 10_000 };

export class AttemptReporter {
  private readonly mask: SecretMasker;
  private readonly retry: { retries: number; minTimeout: number; maxTimeout: number };
  private readonly warn: (message: string) => void;
  private pendingLogs: LogEntry[] = [];
  private pendingBytes = 0;
  private logChain: Promise<void> = Promise.resolve();
  private logTimer: NodeJS.Timeout | undefined;
  private lastProgressAt = 0;
  private progressChain: Promise<void> = Promise.resolve();
  private progressBusy = false;
  private configUpdates: Promise<void>[] = [];
  private attemptOver: RunnerApiError | undefined;

  constructor(
    private readonly api: RunnerApi,
    private readonly options: AttemptReporterOptions,
  ) {
    this.mask = maskSecrets(options.secretValues);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.warn = options.warn ?? ((message) => process.stderr.write(`${message}\n`));
  }

  private withRetry(what: string, call: () => Promise<void>): Promise<void> {
    // 401: the credential is over, its attempt finished (a cancel): nothing more can be sent
    if (this.attemptOver) return Promise.reject(this.attemptOver);
    return pRetry(call, {
      ...this.retry,
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (error instanceof RunnerApiError && error.status === 401) this.attemptOver = error;
        const final = error instanceof RunnerApiError && error.final;
        this.warn(`could not send the ${what} (try ${attemptNumber}, ${final ? 'not retried' : `${retriesLeft} left`}): ${error.message}`);
      },
      shouldRetry: ({ error }) => !(error instanceof RunnerApiError && error.final),
    });
  }

  /** never blocks: lines are sent in batches, in order */
  readonly log = (entry: LogEntry): void => {
    const masked = { ...entry, message: this.mask(entry.message) };
    const bytes = Buffer.byteLength(masked.message) + 100;
    if (this.pendingBytes + bytes > MAX_LOG_BATCH_BYTES) this.sendLogs();
    this.pendingLogs.push(masked);
    this.pendingBytes += bytes;
    if (this.pendingLogs.length >= MAX_LOG_BATCH) this.sendLogs();
    else this.logTimer ??= setTimeout(() => this.sendLogs(), this.options.logFlushIntervalMs ?? 500);
  };

  private sendLogs(): void {
    clearTimeout(this.logTimer);
    this.logTimer = undefined;
    const batch = this.pendingLogs;
    this.pendingLogs = [];
    this.pendingBytes = 0;
    if (batch.length === 0) return;
    this.logChain = this.logChain
      .then(() => this.withRetry('log lines', () => this.api.logs(batch)))
      .catch((err: Error) => this.warn(`dropped ${batch.length} log lines: ${err.message}`));
  }

  /** every line logged so far, sent */
  async flushLogs(): Promise<void> {
    this.sendLogs();
    await this.logChain;
  }

  readonly progress = (progress: ReplicationProgress): void => {
    const due = progress.done || Date.now() - this.lastProgressAt >= (this.options.progressIntervalMs ?? 2_000);
    // one call at a time; only the last one waits its turn
    if (!due || (this.progressBusy && !progress.done)) return;
    this.lastProgressAt = Date.now();
    this.progressBusy = true;
    this.progressChain = this.progressChain
      .then(() => this.api.progress(progress))
      .catch((err: Error) =>
        this.log({ timestamp: Date.now(), level: 'warn', origin: 'platform', message: `could not report progress: ${err.message}` }),
      )
      .finally(() => {
        this.progressBusy = false;
      });
  };

  /** resolves once the API has the state durably; rejects (failing the attempt) when it never did */
  readonly stateCommitted = (state: ReplicationState, totals: ReplicationTotals): Promise<void> =>
    this.withRetry('committed state', () => this.api.state(state, totals));

  readonly configUpdate = (role: ConnectorRole, config: Record<string, unknown>): void => {
    this.configUpdates.push(
      this.withRetry(`${role}'s new config`, () => this.api.configUpdate(role, config)).catch((err: Error) =>
        this.log({
          timestamp: Date.now(),
          level: 'error',
          origin: 'platform',
          message: `the ${role}'s new config was not saved: ${err.message}`,
        }),
      ),
    );
  };

  /** The last word: pending config updates, progress and logs first, then the outcome (masked). */
  async finish(outcome: AttemptOutcome): Promise<void> {
    await Promise.all(this.configUpdates);
    await this.progressChain;
    await this.flushLogs();
    const masked = { ...outcome, failures: outcome.failures.map((f) => maskFailure(f, this.mask)) };
    await this.withRetry('outcome', () => this.api.outcome(masked));
  }
}
