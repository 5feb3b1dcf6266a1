/**
 * The `write` command: reads protocol messages from stdin and loads records into
 * Postgres. Commit point: a STATE message is echoed only after every record received
 * before it has been flushed and COMMITted. Memory stays bounded: buffers are flushed
 * by size, at most one batch is in flight while the next one is encoded, and stdin is
 * not read while we wait for the database.
 */
import {
  ConnectorError,
  LineSplitter,
  decodeLine,
  type AirbyteRecordMessage,
  type AirbyteStateMessage,
  type MessageWriter,
  type WriteContext,
} from '@tributary/protocol';
import { parseConfig } from './config.js';
import { quoteIdent } from './identifiers.js';
import { PostgresSession } from './session.js';
import { SCHEMA_EXISTS_SQL, createSchemaSql } from './sql.js';
import { StreamLoader, type Batch, type Logger } from './stream-loader.js';
import { describeStream, planStreams, streamKey } from './stream-plan.js';

/** Buffered COPY text (characters, all streams together) that triggers a flush. */
const FLUSH_THRESHOLD_CHARS = 16 * 1024 * 1024;

/** Creates the schema unless it exists (CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even then). */
export async function ensureSchema(session: PostgresSession, schema: string): Promise<void> {
  const exists = await session.query(SCHEMA_EXISTS_SQL, [schema]);
  if (exists.rowCount === 0) await session.query(createSchemaSql(schema));
}

/** Per-state record counts, for destinationStats.recordCount. */
class StateCounter {
  private perStream = new Map<string, number>();
  private total = 0;

  count(key: string): void {
    this.perStream.set(key, (this.perStream.get(key) ?? 0) + 1);
    this.total++;
  }

  /** Records since the previous state of the same scope (its stream, or everything for GLOBAL/LEGACY). */
  take(state: AirbyteStateMessage): number {
    if (state.type === 'STREAM' && state.stream) {
      const key = streamKey(state.stream.stream_descriptor.namespace, state.stream.stream_descriptor.name);
      const n = this.perStream.get(key) ?? 0;
      this.perStream.delete(key);
      return n;
    }
    const n = this.total;
    this.total = 0;
    this.perStream.clear();
    return n;
  }
}

class SyncWriter {
  private readonly counter = new StateCounter();
  /** states whose records are buffered or in flight, waiting for the next commit */
  private pendingStates: AirbyteStateMessage[] = [];
  /** the batch being written; only one at a time shares the connection */
  private inFlight: Promise<void> | undefined;
  private bufferedChars = 0;
  private readonly streamStatus = new Map<string, string>();
  private lastLoader: StreamLoader | undefined;
  private readonly log: Logger = (level, message) => void this.out.log(level, message);

  constructor(
    private readonly session: PostgresSession,
    private readonly loaders: Map<string, StreamLoader>,
    private readonly out: MessageWriter,
  ) {}

  async consume(input: AsyncIterable<Buffer | string>): Promise<void> {
    const lines: Buffer[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    for await (const chunk of input) {
      splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      await this.handleLines(lines);
      // states are committed once per input chunk: a state per record costs one commit per chunk, not per record
      if (this.pendingStates.length > 0) await this.commit();
    }
    splitter.end();
    await this.handleLines(lines);
    await this.finish();
  }

  /** Handles lines in order; `lines` are views into the current chunk, so it is emptied here. */
  private async handleLines(lines: Buffer[]): Promise<void> {
    for (const line of lines) {
      const pending = this.handleLine(line);
      if (pending) await pending;
    }
    lines.length = 0;
  }

  private handleLine(line: Buffer): Promise<void> | undefined {
    const decoded = decodeLine(line);
    if (decoded.kind === 'text') return undefined;
    if (decoded.kind === 'invalid') {
      throw new ConnectorError(`invalid protocol message on stdin (${decoded.reason}): ${decoded.text.slice(0, 200)}`, 'system_error');
    }
    const message = decoded.message;
    switch (message.type) {
      case 'RECORD':
        return this.addRecord(message.record);
      case 'STATE':
        this.pendingStates.push({ ...message.state, destinationStats: { ...message.state.destinationStats, recordCount: this.counter.take(message.state) } });
        return undefined;
      case 'TRACE': {
        const status = message.trace.type === 'STREAM_STATUS' ? message.trace.stream_status : undefined;
        if (status) this.streamStatus.set(streamKey(status.stream_descriptor.namespace, status.stream_descriptor.name), status.status);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private loaderFor(record: AirbyteRecordMessage): StreamLoader {
    const last = this.lastLoader;
    const namespace = record.namespace || undefined;
    if (last && last.plan.name === record.stream && last.plan.namespace === namespace) return last;
    const loader = this.loaders.get(streamKey(namespace, record.stream));
    if (!loader) {
      const configured = [...this.loaders.values()].map((l) => describeStream(l.plan.namespace, l.plan.name)).join(', ');
      throw new ConnectorError(
        `received a record for stream ${describeStream(namespace, record.stream)}, which is not in the configured catalog (configured: ${configured || 'none'})`,
        'config_error',
      );
    }
    this.lastLoader = loader;
    return loader;
  }

  private addRecord(record: AirbyteRecordMessage): Promise<void> | undefined {
    const loader = this.loaderFor(record);
    this.bufferedChars += loader.add(record);
    this.counter.count(streamKey(loader.plan.namespace, loader.plan.name));
    return this.bufferedChars >= FLUSH_THRESHOLD_CHARS ? this.startFlush() : undefined;
  }

  /** Sends every stream's buffer to the database in the background (after the previous batch). */
  private async startFlush(): Promise<void> {
    await this.settle();
    const batches: [StreamLoader, Batch][] = [];
    for (const loader of this.loaders.values()) {
      const batch = loader.takeBatch();
      if (batch) batches.push([loader, batch]);
    }
    this.bufferedChars = 0;
    if (batches.length === 0) return;
    await this.session.begin();
    const work = (async () => {
      for (const [loader, batch] of batches) await loader.load(batch);
    })();
    work.catch(() => undefined); // observed by settle(); this keeps it from being "unhandled" meanwhile
    this.inFlight = work;
  }

  /** Waits for the batch in flight; rethrows its failure. */
  private async settle(): Promise<void> {
    const work = this.inFlight;
    if (!work) return;
    this.inFlight = undefined;
    await work;
  }

  /** Flushes everything, commits, then echoes the states that were waiting. */
  private async commit(): Promise<void> {
    await this.startFlush();
    await this.settle();
    await this.session.commit();
    const states = this.pendingStates;
    this.pendingStates = [];
    for (const state of states) await this.out.state(state);
    await this.out.flush();
  }

  /**
   * End of input: the last records are committed together with each finished stream's
   * final step. A stream the source reported as not COMPLETE keeps its old data.
   */
  private async finish(): Promise<void> {
    await this.startFlush();
    await this.settle();
    await this.session.begin();
    for (const [key, loader] of this.loaders) {
      const status = this.streamStatus.get(key);
      if (status === undefined || status === 'COMPLETE') await loader.finish();
      else this.log('WARN', `stream ${describeStream(loader.plan.namespace, loader.plan.name)} ended ${status}: its final step (overwrite swap, old generation cleanup) is skipped`);
    }
    await this.commit();
  }
}

export async function writeToPostgres(ctx: WriteContext<Record<string, unknown>>): Promise<void> {
  const config = parseConfig(ctx.config);
  const plans = planStreams(ctx.catalog, config.schema);
  const session = await PostgresSession.connect(config);
  try {
    const log: Logger = (level, message) => void ctx.out.log(level, message);
    const loaders = new Map<string, StreamLoader>();
    let index = 0;
    for (const [key, plan] of plans) loaders.set(key, new StreamLoader(plan, session, log, `_airbyte_stage_${index++}`));
    await session.transaction(async () => {
      for (const schema of new Set([...plans.values()].map((p) => p.final.schema))) {
        await ensureSchema(session, schema).catch((err: unknown) => {
          throw err instanceof ConnectorError ? new ConnectorError(`cannot create schema ${quoteIdent(schema)}: ${err.message}`, err.failureType, err.internalMessage) : err;
        });
      }
      for (const loader of loaders.values()) await loader.prepare();
    });
    const writer = new SyncWriter(session, loaders, ctx.out);
    await writer.consume(ctx.input as AsyncIterable<Buffer | string>);
  } finally {
    await session.close();
  }
}
