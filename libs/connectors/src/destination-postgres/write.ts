/**
 * The `write` command: reads protocol messages from stdin and loads records into
 * Postgres. Commit point: a STATE message is echoed only after every record received
 * before it has been flushed and COMMITted. Memory stays bounded: buffers are flushed
 * by size, batches queue up for the database while the next ones are encoded, and reading
 * stdin pauses while the queue is full.
 */
import {
  ConnectorError,
  decodeLine,
  type AirbyteRecordMessage,
  type AirbyteStateMessage,
  type ChunkHandler,
  type MessageWriter,
  type WriteContext,
} from '@tributary/protocol';
import {
  BadInputReporter,
  LineReader,
  RecordCounts,
  RecordScan,
  sameBytes,
  scannedNamespace,
  scannedStream,
  streamKey,
  type StreamCount,
} from '../destination-common/index.js';
import { parseConfig } from './config.js';
import { quoteIdent } from './identifiers.js';
import { PostgresSession } from './session.js';
import { ensureSchema } from './ensure-schema.js';
import { sessionSettingsSql } from './sql.js';
import { StreamLoader, type Batch, type Logger } from './stream-loader.js';
import { describeStream, planStreams } from './stream-plan.js';

/** Buffered COPY data (bytes, all streams together) that triggers a flush. */
const FLUSH_THRESHOLD_BYTES = 16 * 1024 * 1024;
/**
 * Batches queued for the database ahead of the one sent last hold less than this: a batch
 * of FLUSH_THRESHOLD_BYTES goes alone, as before, but the small batches of a state every
 * few thousand records queue up. With only one of them in flight, a hiccup on either side
 * (a checkpoint, a slow read) left the other side waiting.
 */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;
/**
 * While no batch is with the database, this much buffered data is sent at once instead of
 * waiting for FLUSH_THRESHOLD_BYTES: a source slower than the load (most are) otherwise left
 * the server idle for the first 16 MiB of every stream, then gave it all at once, when it
 * had to share the CPU with the source and this process. Not less: each COPY costs the
 * server ~1.2 ms beyond its rows, about a sixth of loading 1 MiB of a wide stream (PG 15 makes
 * a slot for each row its multi-insert buffer holds, up to 1,000 per COPY, and every slot pins
 * the table's tuple descriptor in a resource owner that handles many pins of one descriptor
 * slowly: `perf` finds ~6 % of the server's time in making and dropping those slots with COPYs
 * of 1 MiB, next to none with 16 MiB). 259 MB of customers rows in 195 COPYs of 1 MiB took
 * 2.06 s of server CPU, in 13 of 16 MiB 1.84 s; and a destination slower than its server (one
 * that yields the CPU to its source) finds it idle at almost every batch.
 */
const IDLE_FLUSH_BYTES = 8 * 1024 * 1024;

/** LOG messages, written out at once (the writer would hold them until its batch fills). */
function protocolLogger(out: MessageWriter): Logger {
  return (level, message) => {
    void out.log(level, message);
    void out.flush();
  };
}

/** One configured stream as the input loop sees it. */
interface StreamTarget {
  loader: StreamLoader;
  /** the stream name's UTF-8, to know a scanned record's stream without decoding it */
  nameBytes: Buffer;
  count: StreamCount;
  /** the source sent STREAM_STATUS COMPLETE for it */
  complete: boolean;
}

/** The lines of one input chunk, as bounds: no Buffer view per line. */
class ChunkLines {
  bufs: Buffer[] = [];
  starts: number[] = [];
  ends: number[] = [];
  count = 0;

  readonly add = (buf: Buffer, start: number, end: number): void => {
    this.bufs[this.count] = buf;
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  };

  clear(): void {
    this.count = 0;
    this.bufs.length = 0;
  }
}

class SyncWriter {
  private readonly counts = new RecordCounts();
  private readonly targets = new Map<string, StreamTarget>();
  private readonly badInput: BadInputReporter;
  /** states whose records are buffered or in flight, waiting for the next commit */
  private pendingStates: AirbyteStateMessage[] = [];
  /** the batches sent to the database and not yet done, oldest first; each starts when the one before it is done */
  private readonly queue: { work: Promise<void>; bytes: number }[] = [];
  private queuedBytes = 0;
  /** a queued batch failed: the next flush waits for the queue, to rethrow its error */
  private failed = false;
  /** the batch sent last (the queue's tail), or a settled promise */
  private lastWork: Promise<void> = Promise.resolve();
  /** batches sent and not yet done (the queue also keeps a done batch until it is waited for) */
  private inFlight = 0;
  private bufferedBytes = 0;
  private sawStreamStatus = false;
  private last: StreamTarget | undefined;
  private readonly log: Logger;
  private readonly scan = new RecordScan();

  constructor(
    private readonly session: PostgresSession,
    loaders: ReadonlyMap<string, StreamLoader>,
    private readonly out: MessageWriter,
  ) {
    this.log = protocolLogger(out);
    this.badInput = new BadInputReporter(out);
    for (const [key, loader] of loaders) {
      this.targets.set(key, {
        loader,
        nameBytes: Buffer.from(loader.plan.name),
        count: this.counts.stream(loader.plan.name, loader.plan.namespace),
        complete: false,
      });
    }
  }

  /** `readInput` hands over stdin chunk by chunk, each valid only during the call (WriteContext.readInput) */
  async consume(readInput: (onChunk: ChunkHandler) => Promise<void>): Promise<void> {
    const lines = new ChunkLines();
    const reader = new LineReader(lines.add, {
      onOversizedLine: (bytes) => this.badInput.report(`line of ${bytes} bytes is over the size limit`),
    });
    // a chunk handled without waiting returns no promise: reading goes on at once
    await readInput((chunk: Buffer) => {
      reader.push(chunk);
      const pending = this.handleLines(lines);
      return pending ? pending.then(() => this.commitPendingStates()) : this.commitPendingStates();
    });
    reader.end();
    await this.handleLines(lines);
    await this.finish();
    this.badInput.finish();
  }

  /**
   * Handles lines in order from `from`; they are views into the current chunk, so they are
   * dropped here. A promise when a line must be waited for (the queue was full): the rest follow it.
   */
  private handleLines(lines: ChunkLines, from = 0): Promise<void> | undefined {
    for (let k = from; k < lines.count; k++) {
      const pending = this.handleLine(lines.bufs[k]!, lines.starts[k]!, lines.ends[k]!);
      if (pending) return pending.then(() => this.handleLines(lines, k + 1));
    }
    lines.clear();
    return undefined;
  }

  /** States are committed once per input chunk: a state per record costs one commit per chunk, not per record. */
  private commitPendingStates(): Promise<void> | undefined {
    return this.pendingStates.length > 0 ? this.flush(true) : undefined;
  }

  private handleLine(buf: Buffer, start: number, end: number): Promise<void> | undefined {
    // a record in the layout of the last one's stream is read from its template's slots
    const last = this.last;
    if (last !== undefined) {
      const bytes = last.loader.addTemplated(buf, start, end);
      if (bytes >= 0) return this.added(last, bytes);
    }
    // records are read in place; anything else, or a record that needs it, is decoded
    let declined: RecordScan | undefined;
    this.scan.hint = this.last?.loader.fieldLookup;
    if (this.scan.scan(buf, start, end)) {
      const target = this.scannedTarget();
      const bytes = target ? target.loader.addScanned(this.scan) : -1;
      if (bytes >= 0) return this.added(target!, bytes);
      if (target) declined = this.scan;
    }
    const decoded = decodeLine(buf.subarray(start, end));
    if (decoded.kind === 'text') return void this.badInput.report('not a JSON message', decoded.text);
    if (decoded.kind === 'invalid') return void this.badInput.report(decoded.reason, decoded.text);
    const message = decoded.message;
    switch (message.type) {
      case 'RECORD':
        return this.addRecord(message.record, declined);
      case 'STATE':
        // counted now, in input order; echoed once the records before it are committed
        this.pendingStates.push(this.counts.acknowledge(message.state));
        this.markCovered(message.state);
        return undefined;
      case 'TRACE': {
        const status = message.trace.type === 'STREAM_STATUS' ? message.trace.stream_status : undefined;
        if (status) {
          this.sawStreamStatus = true;
          const target = this.targets.get(streamKey(status.stream_descriptor.name, status.stream_descriptor.namespace || undefined));
          if (target && status.status === 'COMPLETE') target.complete = true;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** A stream's state covers its rows so far; a GLOBAL or LEGACY state covers every stream's. */
  private markCovered(state: AirbyteStateMessage): void {
    const descriptor = state.type === 'STREAM' ? state.stream?.stream_descriptor : undefined;
    if (!descriptor) {
      for (const { loader } of this.targets.values()) loader.markCovered();
      return;
    }
    this.targets.get(streamKey(descriptor.name, descriptor.namespace || undefined))?.loader.markCovered();
  }

  private targetFor(record: AirbyteRecordMessage): StreamTarget {
    const namespace = record.namespace || undefined;
    const last = this.last;
    if (last && last.loader.plan.name === record.stream && last.loader.plan.namespace === namespace) return last;
    const target = this.targets.get(streamKey(record.stream, namespace));
    if (!target) {
      const configured = [...this.targets.values()].map((t) => describeStream(t.loader.plan.namespace, t.loader.plan.name)).join(', ');
      throw new ConnectorError(
        `received a record for stream ${describeStream(namespace, record.stream)}, which is not in the configured catalog (configured: ${configured || 'none'})`,
        'config_error',
      );
    }
    this.last = target;
    return target;
  }

  /** The target of the scanned record's stream; undefined when it is not configured (decoding it reports that). */
  private scannedTarget(): StreamTarget | undefined {
    const scan = this.scan;
    const last = this.last;
    const length = scan.streamEnd - scan.streamStart;
    if (
      last &&
      scan.streamFlags === 0 &&
      last.nameBytes.length === length &&
      sameBytes(scan.buf, scan.streamStart, last.nameBytes) &&
      last.loader.plan.namespace === scannedNamespace(scan)
    )
      return last;
    const target = this.targets.get(streamKey(scannedStream(scan), scannedNamespace(scan)));
    if (target) this.last = target;
    return target;
  }

  /** `scanned`: the record's line, which its loader's addScanned declined */
  private addRecord(record: AirbyteRecordMessage, scanned?: RecordScan): Promise<void> | undefined {
    const target = this.targetFor(record);
    return this.added(target, target.loader.add(record, scanned));
  }

  private added(target: StreamTarget, bytes: number): Promise<void> | undefined {
    this.bufferedBytes += bytes;
    this.counts.add(target.count);
    const threshold = this.inFlight === 0 ? IDLE_FLUSH_BYTES : FLUSH_THRESHOLD_BYTES;
    // with states waiting, this is their commit
    return this.bufferedBytes >= threshold ? this.flush(this.pendingStates.length > 0) : undefined;
  }

  /**
   * Queues every stream's buffer for the database, to load once the batches before it are
   * done; with `commit`, then commits and echoes the pending states. Reading and encoding
   * go on meanwhile (the database and this process work in parallel): a promise only when
   * the queue is full (MAX_QUEUED_BYTES) or a batch failed, to wait for before reading on.
   */
  private flush(commit = false): Promise<void> | undefined {
    if (this.failed) return this.settle();
    const batches: [StreamLoader, Batch][] = [];
    let bytes = 0;
    this.bufferedBytes = 0;
    for (const { loader } of this.targets.values()) {
      const before = loader.bufferedBytes;
      const batch = loader.takeBatch(commit);
      if (batch) batches.push([loader, batch]);
      bytes += before - loader.bufferedBytes;
      this.bufferedBytes += loader.bufferedBytes;
    }
    const states = commit ? this.pendingStates : [];
    if (commit) this.pendingStates = [];
    // taken now: marks made while this batch waits belong to the next commit
    const coverage: [StreamLoader, number | null][] = [];
    if (commit)
      for (const { loader } of this.targets.values()) {
        const covered = loader.takeCoverage();
        if (covered !== undefined) coverage.push([loader, covered]);
      }
    if (batches.length === 0 && !commit) return undefined;
    // a batch after a failed one fails with its error, unloaded
    const work = this.lastWork.then(async () => {
      if (batches.length > 0 || coverage.length > 0) await this.session.begin();
      for (const [loader, batch] of batches) await loader.load(batch);
      if (!commit) return;
      for (const [loader, covered] of coverage) await loader.commitCoverage(covered);
      await this.session.commit();
      for (const state of states) await this.out.state(state);
      await this.out.flush();
    });
    this.inFlight++;
    // observed when its turn to be waited for comes; meanwhile this keeps it from being "unhandled"
    work.then(
      () => this.inFlight--,
      () => {
        this.inFlight--;
        this.failed = true;
      },
    );
    this.lastWork = work;
    this.queue.push({ work, bytes });
    this.queuedBytes += bytes;
    return this.queuedBytes - bytes >= MAX_QUEUED_BYTES ? this.drainQueue() : undefined;
  }

  /** Waits until the batches ahead of the one sent last hold less than MAX_QUEUED_BYTES. */
  private async drainQueue(): Promise<void> {
    while (this.queue.length > 1 && this.queuedBytes - this.queue.at(-1)!.bytes >= MAX_QUEUED_BYTES) await this.settleOldest();
  }

  /** Waits for the oldest queued batch; rethrows its failure. */
  private async settleOldest(): Promise<void> {
    const oldest = this.queue.shift()!;
    this.queuedBytes -= oldest.bytes;
    await oldest.work;
  }

  /** Waits for every queued batch; rethrows the first failure. */
  private async settle(): Promise<void> {
    while (this.queue.length > 0) await this.settleOldest();
  }

  /**
   * End of input: the last records are committed together with each finished stream's
   * final step (overwrite swap, old generation cleanup). Without any STREAM_STATUS (a
   * plain `source | destination` pipe) the end of input means every stream finished;
   * otherwise only streams the source reported COMPLETE are finished, so a failed sync
   * never replaces a table with part of its data.
   */
  private async finish(): Promise<void> {
    await this.flush();
    await this.settle();
    await this.session.begin();
    for (const { loader, complete } of this.targets.values()) {
      if (!this.sawStreamStatus || complete) await loader.finish();
      else
        this.log('WARN', `stream ${describeStream(loader.plan.namespace, loader.plan.name)} did not complete: its final step is skipped`);
    }
    await this.flush(true);
    await this.settle();
  }
}

export async function writeToPostgres(ctx: WriteContext<Record<string, unknown>>): Promise<void> {
  const config = parseConfig(ctx.config);
  const plans = planStreams(ctx.catalog, { defaultSchema: config.schema, rawData: config.rawData });
  const session = await PostgresSession.connect(config);
  try {
    const log = protocolLogger(ctx.out);
    for (const sql of sessionSettingsSql([...plans.values()].some((p) => p.mode === 'append_dedup'))) await session.query(sql);
    const loaders = new Map<string, StreamLoader>();
    let index = 0;
    for (const [key, plan] of plans) loaders.set(key, new StreamLoader(plan, session, log, `_airbyte_stage_${index++}`));
    await session.transaction(async () => {
      for (const schema of new Set([...plans.values()].map((p) => p.final.schema))) {
        await ensureSchema(session, schema).catch((err: unknown) => {
          throw err instanceof ConnectorError
            ? new ConnectorError(`cannot create schema ${quoteIdent(schema)}: ${err.message}`, err.failureType, err.internalMessage)
            : err;
        });
      }
      for (const loader of loaders.values()) await loader.prepare();
    });
    const writer = new SyncWriter(session, loaders, ctx.out);
    await writer.consume(ctx.readInput);
  } finally {
    await session.close();
  }
}
