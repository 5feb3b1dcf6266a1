/**
 * replicate(): runs one sync attempt, source → destination, and says how it went.
 *
 * Order of events: the destination starts first (it must be ready before records flow),
 * then the source. Source stdout goes through SourcePump to the destination's stdin;
 * destination stdout is parsed for echoed STATE (the commit point), logs and errors.
 * Whatever the connectors do, replicate() resolves with a result: connector trouble
 * becomes a FailureReason naming whose fault it was, and both process groups are gone
 * by the time it returns.
 *
 * Destination naming (input.destinationNaming): the source reads and writes its own stream
 * names; everything the destination gets (catalog, records, states, statuses) carries the
 * destination's names, and what the engine reports (state, stats, failures) the source's.
 *
 * Destination gate (input.destinationGate): the destination's stdin is corked from the start,
 * so the pump's queue (and its backpressure) holds what the source emits; the gate opening
 * uncorks it, the gate closing destroys it unsent and kills both connectors.
 *
 * Field selection (input.fieldSelection): records of a stream with a selection reach the
 * destination without the unselected top-level fields of `data`. Renaming and trimming share
 * one path (the pump's rewriter on the fast path, sourceLine on the full-parse path); with
 * neither, records go through as the source printed them.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { ConnectorRole, FailureReason, LogEntry } from '@tributary/domain';
import {
  DEFAULT_MAX_LINE_BYTES,
  LineSplitter,
  LineTooLongError,
  decodeLine,
  normaliseStateInput,
  type AirbyteMessage,
  type AirbyteStateMessage,
  type AirbyteTraceMessage,
  type DecodedLine,
} from '@tributary/protocol';
import { ConnectorLaunchError, failureFromTrace, logEntryFromMessage, type ConnectorProcess, type ProcessExit } from '@tributary/launcher';
import { DestinationNames } from './destination-names.js';
import { SelectedFields } from './field-selection.js';
import { RecentLines } from './recent-lines.js';
import { RecordPeeker } from './record-peek.js';
import { RecordRewriter } from './record-rewrite.js';
import { FORWARD, SKIP, STOP, SourcePump, type SlowLineAnswer } from './source-pump.js';
import { DEFAULT_SPILL_MAX_BYTES, SPILL_AFTER_BYTES, SpillInput } from './spill-input.js';
import { StateTracker, stateForSource } from './state-tracker.js';
import { ReplicationStats } from './stats.js';
import { StreamCatalog, describeStream, type StreamRef } from './stream-catalog.js';
import { describeCollision, destinationCatalog, namingCollisions } from './stream-naming.js';
import type { ReplicateInput, ReplicationResult, ReplicationState } from './types.js';

export const DEFAULT_KILL_GRACE_MS = 5_000;
export const DEFAULT_PROGRESS_INTERVAL_MS = 1_000;

/** Runs one sync attempt. Never throws: every outcome is a ReplicationResult. */
export async function replicate(input: ReplicateInput): Promise<ReplicationResult> {
  const run = new Replication(input);
  try {
    await run.run();
  } catch (err) {
    // a bug in the engine itself: still clean up and report, never leave processes behind
    run.fail({
      origin: 'replication',
      type: 'system_error',
      message: `replication engine error: ${(err as Error).message}`,
      ...((err as Error).stack ? { stackTrace: (err as Error).stack } : {}),
      timestamp: Date.now(),
    });
    await run.killAll().catch(() => undefined);
  }
  return run.result();
}

const describeExit = (exit: ProcessExit): string =>
  exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`;

class Replication {
  private readonly catalog: StreamCatalog;
  private readonly stats: ReplicationStats;
  private readonly tracker: StateTracker;
  private readonly initialState: ReplicationState | undefined;
  private readonly peeker: RecordPeeker;
  /** set when some stream has another name in the destination */
  private readonly names: DestinationNames | undefined;
  /** set when some stream keeps only some fields */
  private readonly selected: SelectedFields | undefined;
  private readonly maxLineBytes: number;
  private readonly killGraceMs: number;
  private readonly startedAt = Date.now();
  private endedAt = 0;

  private readonly failures: FailureReason[] = [];
  private readonly traceFailed = { source: false, destination: false };
  private readonly recent: Record<ConnectorRole, RecentLines>;
  private readonly controlConfigUpdates: ReplicationResult['controlConfigUpdates'] = {};
  private readonly exits: ReplicationResult['exits'] = {};

  private src: ConnectorProcess | undefined;
  private dst: ConnectorProcess | undefined;
  /** everything for the destination's stdin goes through this (see destinationInput) */
  private dstInput: SpillInput | undefined;
  private pump: SourcePump | undefined;
  /** killed on purpose: their exit status is not a failure of their own */
  private readonly killed = { source: false, destination: false };
  private cancelled = false;
  /** input.destinationGate: 'held' until it settles ('none' without one) */
  private gate: 'none' | 'held' | 'open' | 'closed' = 'none';
  /** how the destination's input was to end while the gate held it */
  private endWhenOpen: 'COMPLETE' | 'INCOMPLETE' | undefined;
  /** the destination's stdin was closed by us: its exiting from then on is expected */
  private inputEnded = false;
  private succeeded = false;
  private commitChain: Promise<void> = Promise.resolve();
  private progressTimer: NodeJS.Timeout | undefined;

  constructor(private readonly input: ReplicateInput) {
    const options = input.options ?? {};
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    const keep = options.recentLogLines ?? 20;
    this.recent = { source: new RecentLines(keep), destination: new RecentLines(keep) };
    this.catalog = new StreamCatalog(input.catalog);
    this.stats = new ReplicationStats(this.catalog);
    // a bare legacy blob (what older platforms stored) is accepted too
    this.initialState = normaliseStateInput(input.state);
    this.tracker = new StateTracker(this.initialState);
    this.peeker = new RecordPeeker(this.catalog);
    this.names = DestinationNames.of(input.destinationNaming, this.catalog);
    this.selected = SelectedFields.of(input.fieldSelection, this.catalog);
  }

  async run(): Promise<void> {
    const { signal } = this.input;
    if (signal?.aborted) {
      this.cancelled = true;
      return;
    }
    // refused before anything starts: the streams would overwrite each other's data
    const collisions = namingCollisions(this.input.destinationNaming, this.input.catalog);
    if (collisions.length > 0) {
      this.fail({
        origin: 'replication',
        type: 'config_error',
        message: `the connection's namespace definition and stream prefix map several streams to one: ${collisions.map(describeCollision).join('; ')}`,
        timestamp: Date.now(),
      });
      return;
    }
    const onAbort = () => this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.runConnectors();
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (this.progressTimer) clearInterval(this.progressTimer);
    }
  }

  private async runConnectors(): Promise<void> {
    const { launcher, source, destination, catalog } = this.input;

    // destination first: records must have somewhere to go as soon as the source starts
    const dst = await this.launch('destination', () =>
      launcher.write(
        destination.definition,
        { config: destination.config, catalog: this.names ? destinationCatalog(this.input.destinationNaming, catalog) : catalog },
        { role: 'destination', onLog: this.connectorLog('destination') },
      ),
    );
    if (!dst) return;
    this.dst = dst;
    const dstInput = this.destinationInput(dst);
    this.dstInput = dstInput;
    if (this.input.destinationGate) this.holdDestinationInput(dstInput, this.input.destinationGate);
    this.startDestinationInput(dstInput);
    this.attachDestination(dst);
    // watched from now on: a destination that dies while the source installs stops the sync
    const destinationDone = dst.exited.then((exit) => this.onDestinationExit(exit));
    if (this.cancelled) void this.killProcess('destination');

    // made before the source starts: its stdout may be read straight into the pump's buffers
    const pump = this.createPump(dstInput);
    const src =
      this.cancelled || this.exits.destination || this.gate === 'closed'
        ? undefined
        : await this.launch('source', () =>
            launcher.read(
              source.definition,
              { config: source.config, catalog, state: stateForSource(this.initialState) },
              { role: 'source', onLog: this.connectorLog('source'), stdoutReader: pump.reader },
            ),
          );
    if (!src) {
      // nothing will ever be written: let the destination go (it has nothing to commit)
      await this.killProcess('destination');
      await destinationDone;
      await this.commitChain;
      await this.dstInput.dispose();
      return;
    }
    this.src = src;
    this.attachSource(src, pump);
    if (this.cancelled || this.exits.destination || this.gate === 'closed') void this.killProcess('source');

    if (this.input.onProgress) {
      const every = this.input.options?.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
      this.progressTimer = setInterval(() => this.emitProgress(false), every);
      this.progressTimer.unref();
    }

    await Promise.all([src.exited.then((exit) => this.onSourceExit(exit)), destinationDone]);
    // committed-state callbacks are persisted before the caller sees the result
    await this.commitChain;
    await this.dstInput.dispose();
    this.finish();
  }

  private async launch(role: ConnectorRole, start: () => Promise<ConnectorProcess>): Promise<ConnectorProcess | undefined> {
    try {
      return await start();
    } catch (err) {
      if (err instanceof ConnectorLaunchError) this.fail(err.failure);
      else
        this.fail({
          origin: 'platform',
          type: 'system_error',
          message: `could not start the ${role}: ${(err as Error).message}`,
          timestamp: Date.now(),
        });
      return undefined;
    }
  }

  // --- source ----------------------------------------------------------------------

  /**
   * The destination's stdin, with a spill file in front of it when options.spillDir is set
   * (the source is then not paused while the destination catches up; see SpillInput). Without
   * one, SpillInput passes writes straight on, and still tells when all of them have reached the
   * stdin and it was ended: a destination that exits before that did not see the end of its input.
   */
  private destinationInput(dst: ConnectorProcess): SpillInput {
    const options = this.input.options;
    const spill = new SpillInput(dst.stdin, {
      ...(options?.spillDir ? { path: join(options.spillDir, `tributary-spill-${randomUUID()}`) } : {}),
      spillAfterBytes: SPILL_AFTER_BYTES,
      maxBytes: options?.spillMaxBytes ?? DEFAULT_SPILL_MAX_BYTES,
      onFileError: (err) =>
        this.log({
          timestamp: Date.now(),
          level: 'warn',
          origin: 'replication',
          message: `the spill file failed (${err.message}): the source waits for the destination from now on`,
        }),
    });
    spill.on('error', (err) => this.engineError(err));
    return spill;
  }

  private createPump(destination: Writable): SourcePump {
    const { names, selected } = this;
    return new SourcePump({
      destination,
      peeker: this.peeker,
      ...(names || selected
        ? {
            rewriter: new RecordRewriter(
              this.peeker,
              names ? names.recordHeads() : this.catalog.streams.map(() => undefined),
              this.catalog.streams.map((ref) => ref.namespace !== undefined),
              selected,
            ),
          }
        : {}),
      stats: this.stats,
      maxLineBytes: this.maxLineBytes,
      ...(this.input.options?.maxQueuedBytes !== undefined ? { maxQueuedBytes: this.input.options.maxQueuedBytes } : {}),
      ...(this.input.options?.maxBurstBytes !== undefined ? { maxBurstBytes: this.input.options.maxBurstBytes } : {}),
      slowLine: (line) => this.sourceLine(line),
      onLineTooLong: (bytes) => {
        this.fail({
          origin: 'source',
          type: 'system_error',
          message: `the source printed a line longer than the ${this.maxLineBytes} byte limit (${bytes}+ bytes without a newline)`,
          timestamp: Date.now(),
        });
        this.abortSource();
      },
      onStopped: () => this.abortSource(),
      // the destination's input ends once the source's exit status says how the streams ended
      onEnd: () => undefined,
      onError: (err) => this.engineError(err),
    });
  }

  private attachSource(src: ConnectorProcess, pump: SourcePump): void {
    this.pump = pump;
    src.stdout.on('error', (err) => this.streamError('source', err));
    pump.start(src.stdout, src.stdoutReaderAttached === true);
  }

  /** A source line the fast path did not take: parse it and act on it (and rename or trim it for the destination). */
  private sourceLine(line: Buffer): SlowLineAnswer {
    const decoded = decodeLine(line);
    if (decoded.kind !== 'message') {
      this.unparsedLine('source', decoded);
      return SKIP;
    }
    const m = decoded.message;
    switch (m.type) {
      case 'RECORD': {
        const ref = this.catalog.lookup(m.record.stream, m.record.namespace);
        if (!ref) {
          const name = describeStream(m.record.stream, m.record.namespace);
          this.fail({
            origin: 'source',
            type: 'system_error',
            message: `the source emitted a record for stream "${name}", which is not in the configured catalog`,
            stream: { name: m.record.stream, ...(m.record.namespace ? { namespace: m.record.namespace } : {}) },
            timestamp: Date.now(),
          });
          return STOP;
        }
        this.stats.bucketRecords[ref.index] = this.stats.bucketRecords[ref.index]! + 1;
        const data = this.selected?.data(ref.index, m.record.data) ?? m.record.data;
        const trimmed = data === m.record.data ? m : { ...m, record: { ...m.record, data } };
        const renamed = this.names?.record(trimmed, ref) ?? trimmed;
        const out = renamed === m ? undefined : Buffer.from(JSON.stringify(renamed));
        // a trimmed record counts what is sent on (see StreamStats.bytesEmitted)
        this.stats.bucketBytes[ref.index] = this.stats.bucketBytes[ref.index]! + (out && trimmed !== m ? out.length : line.length);
        return out ?? FORWARD;
      }
      case 'STATE': {
        const state = m.state;
        let scope: number | 'all' | 'none' = 'all';
        if (state.type === 'STREAM') {
          const d = state.stream?.stream_descriptor;
          scope = (d && this.catalog.lookup(d.name, d.namespace)?.index) ?? 'none';
        }
        const asSent = this.names?.state(state) ?? state;
        this.tracker.sent(state, this.stats.checkpoint(scope), asSent);
        return asSent === state ? FORWARD : Buffer.from(JSON.stringify({ ...m, state: asSent }));
      }
      case 'TRACE': {
        this.trace('source', m.trace, m);
        // destinations finalise a stream (e.g. swap in an overwrite table) on its COMPLETE status
        if (m.trace.type !== 'STREAM_STATUS' || !this.isConfigured(m.trace.stream_status?.stream_descriptor)) return SKIP;
        const renamed = this.names?.streamStatus(m) ?? m;
        return renamed === m ? FORWARD : Buffer.from(JSON.stringify(renamed));
      }
      default:
        this.otherMessage('source', m);
        return SKIP;
    }
  }

  private isConfigured(d: { name: string; namespace?: string | null } | null | undefined): boolean {
    return d !== null && d !== undefined && this.catalog.lookup(d.name, d.namespace) !== undefined;
  }

  private trace(role: ConnectorRole, trace: AirbyteTraceMessage, m: AirbyteMessage): void {
    if (trace.type === 'ERROR') {
      this.traceFailed[role] = true;
      const failure = failureFromTrace(trace, role);
      // the destination speaks of its own names; failures name the source's streams
      const ref = role === 'destination' && failure.stream ? this.names?.sourceOf(failure.stream) : undefined;
      if (ref) failure.stream = ref.namespace !== undefined ? { name: ref.name, namespace: ref.namespace } : { name: ref.name };
      this.fail(failure, false);
      const entry = logEntryFromMessage(m, role);
      if (entry) this.log(entry);
      return;
    }
    if (role !== 'source') return;
    if (trace.type === 'STREAM_STATUS' && trace.stream_status) {
      const d = trace.stream_status.stream_descriptor;
      const ref = this.catalog.lookup(d.name, d.namespace);
      if (ref) this.stats.setStatus(ref.index, trace.stream_status.status);
    } else if (trace.type === 'ESTIMATE' && trace.estimate?.type === 'STREAM') {
      const ref = this.catalog.lookup(trace.estimate.name, trace.estimate.namespace);
      if (ref) this.stats.setEstimate(ref.index, trace.estimate.row_estimate, trace.estimate.byte_estimate);
    }
  }

  /** LOG, CONTROL and messages that have no business in a sync. */
  private otherMessage(role: ConnectorRole, m: AirbyteMessage): void {
    if (m.type === 'LOG') {
      const entry = logEntryFromMessage(m, role);
      if (entry) {
        this.recent[role].push(entry.message);
        this.log(entry);
      }
      return;
    }
    if (m.type === 'CONTROL') {
      const config = m.control.connectorConfig?.config;
      if (m.control.type === 'CONNECTOR_CONFIG' && config) {
        this.controlConfigUpdates[role] = config;
        // the config itself holds secrets: never logged
        this.log({
          timestamp: Date.now(),
          level: 'info',
          origin: role,
          message: `the ${role} updated its configuration (CONTROL CONNECTOR_CONFIG)`,
        });
        try {
          this.input.onConfigUpdate?.(role, config);
        } catch (err) {
          this.log({
            timestamp: Date.now(),
            level: 'error',
            origin: 'replication',
            message: `onConfigUpdate failed: ${(err as Error).message}`,
          });
        }
      }
      return;
    }
    this.log({ timestamp: Date.now(), level: 'warn', origin: role, message: `ignoring an unexpected ${m.type} message from the ${role}` });
  }

  /** Plain text and invalid JSON messages: logged, never fatal. */
  private unparsedLine(role: ConnectorRole, decoded: Exclude<DecodedLine, { kind: 'message' }>): void {
    if (decoded.kind === 'text') {
      this.recent[role].push(decoded.text);
      this.log({ timestamp: Date.now(), level: 'info', origin: role, message: decoded.text });
      return;
    }
    this.stats.invalidMessages++;
    this.log({
      timestamp: Date.now(),
      level: 'warn',
      origin: role,
      message: `invalid protocol message from the ${role} (${decoded.reason}): ${decoded.text.slice(0, 1000)}`,
    });
  }

  private onSourceExit(exit: ProcessExit): void {
    this.exits.source = exit;
    // the pump may have stopped reading: make sure nothing waits on it
    this.pump?.stop();
    if (this.killed.source || this.cancelled) return;
    if (exit.code !== 0 && !this.traceFailed.source) {
      this.fail(this.exitFailure('source', `the source ${describeExit(exit)}`));
    }
    this.endDestinationInput(exit.code === 0 && this.failures.length === 0 ? 'COMPLETE' : 'INCOMPLETE');
  }

  /** The source must stop (it broke the protocol): kill it, let the destination commit what it has. */
  private abortSource(): void {
    this.pump?.stop();
    void this.killProcess('source');
    this.endDestinationInput('INCOMPLETE');
  }

  // --- destination -----------------------------------------------------------------

  private attachDestination(dst: ConnectorProcess): void {
    const splitter = new LineSplitter((line) => this.destinationLine(line), { maxLineBytes: this.maxLineBytes });
    const push = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        if (!(err instanceof LineTooLongError)) {
          this.engineError(err);
          return;
        }
        this.fail({
          origin: 'destination',
          type: 'system_error',
          message: `the destination printed a line longer than the ${this.maxLineBytes} byte limit`,
          timestamp: Date.now(),
        });
        dst.stdout.removeAllListeners('data');
        dst.stdout.resume();
        void this.killAll();
      }
    };
    dst.stdout.on('error', (err) => this.streamError('destination', err));
    dst.stdin.on('error', () => {
      // the destination went away; its exit status tells the story
    });
    dst.stdout.on('data', (chunk: Buffer) => push(() => splitter.push(chunk)));
    dst.stdout.once('end', () => push(() => splitter.end()));
  }

  /** A pipe error (rare: the process exit that follows says what happened). */
  private streamError(role: ConnectorRole, err: Error): void {
    this.log({ timestamp: Date.now(), level: 'warn', origin: 'replication', message: `error on the ${role}'s output: ${err.message}` });
  }

  /** A bug of ours surfaced in an event handler: fail the attempt cleanly instead of crashing. */
  private engineError(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    this.fail({
      origin: 'replication',
      type: 'system_error',
      message: `replication engine error: ${e.message}`,
      ...(e.stack ? { stackTrace: e.stack } : {}),
      timestamp: Date.now(),
    });
    void this.killAll();
  }

  private destinationLine(line: Buffer): void {
    const decoded = decodeLine(line);
    if (decoded.kind !== 'message') {
      this.unparsedLine('destination', decoded);
      return;
    }
    const m = decoded.message;
    if (m.type === 'STATE') this.committed(m.state);
    else if (m.type === 'TRACE') this.trace('destination', m.trace, m);
    else this.otherMessage('destination', m);
  }

  private committed(echo: AirbyteStateMessage): void {
    const result = this.tracker.echoed(echo);
    if (!result) {
      this.log({
        timestamp: Date.now(),
        level: 'warn',
        origin: 'destination',
        message: 'the destination acknowledged a state the source never sent; ignored',
      });
      return;
    }
    for (const cp of result.checkpoints) this.stats.commit(cp);
    const callback = this.input.onStateCommitted;
    if (!callback) return;
    const state: ReplicationState = result.state;
    const totals = this.stats.totals();
    this.commitChain = this.commitChain
      .then(() => callback(state, totals))
      .catch((err: unknown) => {
        // a commit that could not be saved must not end in success: the next sync would start from
        // an older state and send the destination those records again. The attempt fails; the
        // next one resumes from the last state that was saved.
        this.fail({
          origin: 'platform',
          type: 'transient_error',
          message: `could not save the committed state: ${err instanceof Error ? err.message : String(err)}`,
          timestamp: Date.now(),
        });
        void this.killAll();
      });
  }

  /**
   * Ends the destination's input. Streams the source left without a final status get one
   * from us, so that a destination never takes a failed source's partial output for a
   * complete stream (which would, e.g., replace an overwrite table with half the data).
   */
  private endDestinationInput(outcome: 'COMPLETE' | 'INCOMPLETE'): void {
    if (this.inputEnded || !this.dst) return;
    // end() would uncork: the end waits for the gate
    if (this.gate === 'held') {
      this.endWhenOpen ??= outcome;
      return;
    }
    this.inputEnded = true;
    let lines = '';
    for (const ref of this.catalog.streams) {
      const status = this.stats.statusOf(ref.index);
      if (status === 'COMPLETE' || status === 'INCOMPLETE') continue;
      lines += this.statusLine(ref, outcome);
    }
    if (lines) this.dstInput!.write(lines);
    this.dstInput!.end();
  }

  /** Corks the destination's stdin until the gate settles (see input.destinationGate). */
  private holdDestinationInput(input: Writable, gate: Promise<FailureReason | undefined>): void {
    this.gate = 'held';
    input.cork();
    gate.then(
      (failure) => (failure ? this.closeGate(failure) : this.openGate()),
      (err: unknown) =>
        this.closeGate({
          origin: 'platform',
          type: 'system_error',
          message: `the check before writing failed: ${err instanceof Error ? err.message : String(err)}`,
          timestamp: Date.now(),
        }),
    );
  }

  private openGate(): void {
    if (this.gate !== 'held') return;
    this.gate = 'open';
    this.dstInput?.uncork();
    if (this.endWhenOpen) this.endDestinationInput(this.endWhenOpen);
  }

  /** Nothing held reaches the destination: its stdin is destroyed with its buffer, then both connectors are stopped. */
  private closeGate(failure: FailureReason): void {
    if (this.gate !== 'held') return;
    this.gate = 'closed';
    // the cause of the attempt's failure, whatever else went wrong meanwhile
    this.failures.unshift(failure);
    this.log({ timestamp: failure.timestamp, level: 'error', origin: failure.origin, message: failure.message });
    this.pump?.stop();
    this.dstInput?.destroy();
    this.inputEnded = true;
    void this.killAll();
  }

  /**
   * Before any record, every stream is STARTED for the destination, whatever the source
   * says: a destination then finishes a stream (e.g. swaps in an overwrite table) only on our
   * COMPLETE, never because its input ended (as it does when the worker dies mid-sync).
   */
  private startDestinationInput(input: Writable): void {
    input.write(this.catalog.streams.map((ref) => this.statusLine(ref, 'STARTED')).join(''));
  }

  private statusLine(ref: StreamRef, status: 'STARTED' | 'COMPLETE' | 'INCOMPLETE'): string {
    const stream_descriptor = this.names
      ? this.names.of(ref.index)
      : ref.namespace
        ? { name: ref.name, namespace: ref.namespace }
        : { name: ref.name };
    return (
      JSON.stringify({
        type: 'TRACE',
        trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor, status } },
      }) + '\n'
    );
  }

  private onDestinationExit(exit: ProcessExit): void {
    this.exits.destination = exit;
    if (this.killed.destination || this.cancelled) return;
    // its input has ended once all of it reached its stdin (end() alone leaves the queue and the spill file)
    if (!this.dstInput?.delivered) {
      // the destination died while records were still flowing: nothing can go anywhere now
      if (!this.traceFailed.destination) {
        this.fail(this.exitFailure('destination', `the destination ${describeExit(exit)} before the end of its input`));
      }
      this.pump?.stop();
      void this.killProcess('source');
      return;
    }
    if (exit.code !== 0 && !this.traceFailed.destination) {
      this.fail(this.exitFailure('destination', `the destination ${describeExit(exit)}`));
    }
  }

  // --- shared ----------------------------------------------------------------------

  private exitFailure(role: ConnectorRole, message: string): FailureReason {
    const recent = this.recent[role];
    return {
      origin: role,
      type: 'system_error',
      message,
      ...(recent.size > 0 ? { internalMessage: `last output of the ${role}:\n${recent.toString()}` } : {}),
      timestamp: Date.now(),
    };
  }

  fail(failure: FailureReason, log = true): void {
    this.failures.push(failure);
    if (log) this.log({ timestamp: failure.timestamp, level: 'error', origin: failure.origin, message: failure.message });
  }

  private cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.log({ timestamp: Date.now(), level: 'info', origin: 'replication', message: 'sync cancelled: stopping the connectors' });
    void this.killAll();
  }

  async killAll(): Promise<void> {
    this.pump?.stop();
    await Promise.all([this.killProcess('source'), this.killProcess('destination')]);
  }

  private async killProcess(role: ConnectorRole): Promise<void> {
    const proc = role === 'source' ? this.src : this.dst;
    if (!proc) return;
    this.killed[role] = true;
    // a paused stdout would keep the process from ever "closing"
    if (role === 'source') this.pump?.stop();
    else proc.stdout.resume();
    const exit = await proc.kill(this.killGraceMs);
    this.exits[role] ??= exit;
  }

  /** Connector stderr (via the launcher) and our own logs all go through here. */
  private connectorLog(role: ConnectorRole): (entry: LogEntry) => void {
    return (entry) => {
      this.recent[role].push(entry.message);
      this.log(entry);
    };
  }

  private log(entry: LogEntry): void {
    try {
      this.input.onLog?.(entry);
    } catch {
      // a broken log sink must not break the sync
    }
  }

  private emitProgress(done: boolean): void {
    try {
      this.input.onProgress?.(this.stats.progress(Date.now() - this.startedAt, done));
    } catch (err) {
      this.log({ timestamp: Date.now(), level: 'error', origin: 'replication', message: `onProgress failed: ${(err as Error).message}` });
    }
  }

  private finish(): void {
    const bothClean = this.exits.source?.code === 0 && this.exits.destination?.code === 0;
    this.succeeded = !this.cancelled && this.failures.length === 0 && bothClean;
    if (this.succeeded) {
      this.stats.commitAll();
      if (this.tracker.pendingCount > 0) {
        this.log({
          timestamp: Date.now(),
          level: 'warn',
          origin: 'destination',
          message: `the destination exited without acknowledging ${this.tracker.pendingCount} state message(s); they are not committed`,
        });
      }
    }
  }

  result(): ReplicationResult {
    this.endedAt = Date.now();
    if (this.input.onProgress) this.emitProgress(true);
    const status = this.cancelled ? 'cancelled' : this.succeeded ? 'succeeded' : 'failed';
    const failures = [...this.failures];
    if (status === 'failed' && failures.length === 0) {
      failures.push({ origin: 'replication', type: 'system_error', message: 'the sync did not complete', timestamp: this.endedAt });
    }
    return {
      status,
      failures,
      streamStats: this.stats.streamStats(),
      totals: this.stats.totals(),
      state: this.tracker.state,
      controlConfigUpdates: this.controlConfigUpdates,
      exits: this.exits,
      backpressure: {
        ...(this.pump?.backpressure ?? { sourcePauses: 0, pausedMs: 0, maxQueuedBytes: 0 }),
        spilledBytes: this.dstInput?.spill.spilledBytes ?? 0,
        maxSpilledBytes: this.dstInput?.spill.maxUnreadBytes ?? 0,
      },
      startedAt: this.startedAt,
      endedAt: this.endedAt,
    };
  }
}
