/**
 * The `read` loop of source-sample. Hot path: each record's line is written as bytes
 * into a ByteBatchOutput buffer that goes to stdout in large writes.
 */
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConnectorError,
  type AirbyteMessage,
  type AirbyteStateMessage,
  type ConfiguredAirbyteCatalog,
  type StreamDescriptor,
} from '@tributary/protocol';
import { piece } from './ascii-builder.js';
import { ByteBatchOutput, DEFAULT_BATCH_BYTES } from './byte-batch-output.js';
import type { SampleConfig } from './config.js';
import { RecordRng } from './random.js';
import {
  DATA_OPENING,
  MAX_DATA_BYTES,
  SAMPLE_STREAMS,
  isSampleStreamName,
  streamSalt,
  updatedAtSeconds,
  type SampleStream,
} from './streams.js';
import { startIndexFromState, streamStateMessage } from './state.js';
import { formatEpochSeconds } from './timestamps.js';

export interface StreamPlan {
  stream: SampleStream;
  descriptor: StreamDescriptor;
  /** first record index to emit */
  start: number;
}

/** Matches the configured catalog against what this config offers; config_error on unknown streams. */
export function planStreams(
  config: SampleConfig,
  catalog: ConfiguredAirbyteCatalog,
  state: AirbyteStateMessage[] | undefined,
): StreamPlan[] {
  return catalog.streams.map((configured) => {
    const name = configured.stream.name;
    if (!isSampleStreamName(name) || !config.streams.includes(name)) {
      throw new ConnectorError(
        `stream ${JSON.stringify(name)} is not offered by this source (offered: ${config.streams.join(', ')})`,
        'config_error',
      );
    }
    const namespace = configured.stream.namespace ?? undefined;
    const descriptor: StreamDescriptor = namespace === undefined ? { name } : { name, namespace };
    // full refresh always starts over: that is what the destination expects to replace
    const start = configured.sync_mode === 'incremental' ? startIndexFromState(state, descriptor) : 0;
    return { stream: SAMPLE_STREAMS[name], descriptor, start };
  });
}

/** Counts records across streams so `fail_after` can stop the run at an exact record. */
class FailureBudget {
  constructor(private remaining: number) {}

  /** how many of `wanted` records may still be emitted */
  allow(wanted: number): number {
    return Math.min(wanted, this.remaining);
  }

  spend(records: number): void {
    this.remaining -= records;
  }
}

export interface ReadSampleOptions {
  config: SampleConfig;
  plans: StreamPlan[];
  /** the connector's stdout */
  out: Writable;
  /** emitted_at of every record in this run (one value: lines then differ between runs only by it) */
  emittedAt?: number;
  batchBytes?: number;
}

export async function readSample({
  config,
  plans,
  out,
  emittedAt = Date.now(),
  batchBytes = DEFAULT_BATCH_BYTES,
}: ReadSampleOptions): Promise<void> {
  const reserve = Math.max(8 * 1024, ...plans.map((p) => 2 * Buffer.byteLength(JSON.stringify(p.descriptor)) + MAX_DATA_BYTES + 256));
  const output = new ByteBatchOutput(out, { batchBytes, reserveBytes: reserve });
  const budget = new FailureBudget(config.failAfter ?? Number.POSITIVE_INFINITY);
  try {
    for (const plan of plans) await readStream(plan, config, output, emittedAt, budget);
  } finally {
    // hand everything over before the SDK writes its own messages (e.g. the TRACE ERROR)
    await output.flush();
  }
}

function streamStatus(stream: StreamDescriptor, status: 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE'): string {
  const message: AirbyteMessage = {
    type: 'TRACE',
    trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: stream, status } },
  };
  return JSON.stringify(message);
}

function rowEstimate(stream: StreamDescriptor, rows: number): string {
  const estimate = {
    name: stream.name,
    ...(stream.namespace ? { namespace: stream.namespace } : {}),
    type: 'STREAM' as const,
    row_estimate: rows,
  };
  const message: AirbyteMessage = { type: 'TRACE', trace: { type: 'ESTIMATE', emitted_at: Date.now(), estimate } };
  return JSON.stringify(message);
}

async function readStream(
  plan: StreamPlan,
  config: SampleConfig,
  output: ByteBatchOutput,
  emittedAt: number,
  budget: FailureBudget,
): Promise<void> {
  const { stream, descriptor } = plan;
  // stream first: destination-dev-null's fast path reads the stream name from the line's start
  const prefix = piece(
    `{"type":"RECORD","record":{"stream":${JSON.stringify(descriptor.name)}` +
      (descriptor.namespace ? `,"namespace":${JSON.stringify(descriptor.namespace)}` : '') +
      `,"data":${DATA_OPENING}`,
  );
  const suffix = piece(`,"emitted_at":${emittedAt}}}\n`);
  const rng = new RecordRng();
  const salt = streamSalt(stream);
  const seed = config.seed;
  const end = config.count;
  const b = output.builder;

  await output.message(streamStatus(descriptor, 'STARTED'));
  await output.message(rowEstimate(descriptor, Math.max(0, end - plan.start)));

  let index = plan.start;
  let sinceState = 0;
  let statesEmitted = 0;
  const emitState = async () => {
    const cursor = index > 0 ? formatEpochSeconds(updatedAtSeconds(index - 1)) : null;
    const state = streamStateMessage(descriptor, { cursor, offset: index }, sinceState);
    await output.message(JSON.stringify({ type: 'STATE', state } satisfies AirbyteMessage));
    sinceState = 0;
    statesEmitted++;
  };

  while (index < end) {
    const stop = index + budget.allow(Math.min(end - index, config.recordsPerBatch, config.recordsPerState - sinceState));
    if (stop === index) {
      await output.message(streamStatus(descriptor, 'INCOMPLETE'));
      throw new ConnectorError(`source-sample: failing on purpose after ${config.failAfter} records (config.fail_after)`, 'system_error');
    }
    const firstBatch = index === plan.start;
    for (let i = index; i < stop; i++) {
      b.piece(prefix);
      stream.writeData(i, rng.reset(seed, salt, i), b);
      b.piece(suffix);
      if (output.full) await output.flush();
    }
    budget.spend(stop - index);
    sinceState += stop - index;
    index = stop;
    if (firstBatch) await output.message(streamStatus(descriptor, 'RUNNING'));
    if (sinceState === config.recordsPerState) await emitState();
    if (config.sleepMsPerBatch > 0) {
      // a throttled source should still deliver what it has before pausing
      await output.flush();
      await sleep(config.sleepMsPerBatch);
    }
  }
  if (sinceState > 0 || statesEmitted === 0) await emitState();
  await output.message(streamStatus(descriptor, 'COMPLETE'));
}
