/**
 * What spec, check and discover have in common wherever the connector runs: its output is read
 * for the one message of the expected type (SPEC, CONNECTION_STATUS, CATALOG), its other lines
 * become log entries, a TRACE error is the failure, and a failure carries the connector's last
 * log lines. The ProcessLauncher feeds it a process's stdout; the KubernetesLauncher a pod's log.
 */
import type { ConnectorRole, FailureReason, LogEntry, LogSink } from '@tributary/domain';
import { LineSplitter, decodeLine, type AirbyteMessage, type AirbyteMessageType } from '@tributary/protocol';
import { failureFromTrace, logEntryFromMessage } from './messages-to-logs.js';
import type { LaunchResult } from './types.js';

/** how many of a connector's last log lines a failed spec/check/discover carries (in its internalMessage) */
const RECENT_LOG_LINES = 20;

export class OneMessageOutput<T> {
  private value: T | undefined;
  private traceFailure: FailureReason | undefined;
  // the last lines the connector logged go with a failure: a CDK connector's own message is often
  // only "Something went wrong in the connector. See the logs for more details."
  private readonly recentLog: string[] = [];
  private readonly splitter: LineSplitter;

  constructor(
    private readonly role: ConnectorRole,
    readonly expected: AirbyteMessageType,
    private readonly pick: (m: AirbyteMessage) => T | undefined,
    private readonly onLog?: LogSink,
  ) {
    this.splitter = new LineSplitter((line) => this.onLine(line));
  }

  /** The connector has printed the expected message. */
  get answered(): boolean {
    return this.value !== undefined;
  }

  /** Logs `entry` and, if it is the connector's, remembers it for a failure. */
  readonly log = (entry: LogEntry): void => {
    if (entry.origin === this.role) {
      this.recentLog.push(entry.message.length > 500 ? `${entry.message.slice(0, 500)}…` : entry.message);
      if (this.recentLog.length > RECENT_LOG_LINES) this.recentLog.shift();
    }
    this.onLog?.(entry);
  };

  /** A chunk of the connector's output (JSON lines). */
  push(chunk: Buffer): void {
    try {
      this.splitter.push(chunk);
    } catch (err) {
      this.log({ timestamp: Date.now(), level: 'error', origin: this.role, message: (err as Error).message });
    }
  }

  end(): void {
    try {
      this.splitter.end();
    } catch {
      // ignore a truncated final line
    }
  }

  /**
   * The answer once the connector has ended: its message when it ended well (or printed one and
   * no error), else its TRACE error, else `failure` (why it ended without the message).
   */
  result(endedWell: boolean, failure: () => Pick<FailureReason, 'type' | 'message'>): LaunchResult<T> {
    if (this.value !== undefined && endedWell) return { ok: true, value: this.value };
    if (this.traceFailure) return { ok: false, failure: this.withRecentLog(this.traceFailure) };
    if (this.value !== undefined) return { ok: true, value: this.value };
    return { ok: false, failure: this.withRecentLog({ origin: this.role, timestamp: Date.now(), ...failure() }) };
  }

  private withRecentLog(failure: FailureReason): FailureReason {
    const parts = [
      failure.internalMessage,
      this.recentLog.length > 0 ? `last log lines of the ${this.role}:\n${this.recentLog.join('\n')}` : undefined,
    ];
    const internalMessage = parts.filter(Boolean).join('\n\n');
    return internalMessage ? { ...failure, internalMessage } : failure;
  }

  private onLine(line: Buffer): void {
    const role = this.role;
    const decoded = decodeLine(line);
    if (decoded.kind === 'text') {
      this.log({ timestamp: Date.now(), level: 'info', origin: role, message: decoded.text });
      return;
    }
    if (decoded.kind === 'invalid') {
      this.log({
        timestamp: Date.now(),
        level: 'warn',
        origin: role,
        message: `invalid protocol message (${decoded.reason}): ${decoded.text.slice(0, 500)}`,
      });
      return;
    }
    const m = decoded.message;
    const picked = this.pick(m);
    if (picked !== undefined) this.value = picked;
    else if (m.type === 'TRACE' && m.trace.type === 'ERROR') this.traceFailure ??= failureFromTrace(m.trace, role);
    const entry = logEntryFromMessage(m, role);
    if (!entry) return;
    // a TRACE error is the failure itself: logged, not repeated among the lines before it
    if (m.type === 'TRACE') this.onLog?.(entry);
    else this.log(entry);
  }
}
