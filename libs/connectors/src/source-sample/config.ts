/** source-sample's configuration: the JSON Schema shown in `spec` and its validation. */
import { ConnectorError } from '@tributary/protocol';
import { SAMPLE_STREAM_NAMES, isSampleStreamName, type SampleStreamName } from './streams.js';

export interface SampleConfig {
  count: number;
  seed: number;
  streams: SampleStreamName[];
  recordsPerState: number;
  recordsPerBatch: number;
  sleepMsPerBatch: number;
  failAfter: number | undefined;
}

export const DEFAULTS = {
  count: 1000,
  seed: 0,
  recordsPerState: 10_000,
  // the unit of fail_after/sleep bookkeeping; output is written in 64 KiB pieces regardless
  recordsPerBatch: 1000,
  sleepMsPerBatch: 0,
} as const;

export const SAMPLE_CONNECTION_SPECIFICATION: Record<string, unknown> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Sample Source Spec',
  description: 'Deterministic synthetic users, products and purchases. The same seed and count always produce the same data.',
  type: 'object',
  required: [],
  additionalProperties: true,
  properties: {
    count: {
      title: 'Records per stream',
      description: 'How many records each stream has. Raise it between incremental syncs to make new records appear.',
      type: 'integer',
      minimum: 0,
      default: DEFAULTS.count,
      order: 0,
    },
    seed: {
      title: 'Seed',
      description: 'Seed of the generator; the same seed and count give byte-identical record data.',
      type: 'integer',
      default: DEFAULTS.seed,
      order: 1,
    },
    streams: {
      title: 'Streams',
      description: 'Which streams discover offers; all of them when omitted.',
      type: 'array',
      items: { type: 'string', enum: [...SAMPLE_STREAM_NAMES] },
      uniqueItems: true,
      order: 2,
    },
    records_per_state: {
      title: 'Records per state checkpoint',
      description: 'A STATE message is emitted after this many records of a stream, and at the end of each stream.',
      type: 'integer',
      minimum: 1,
      default: DEFAULTS.recordsPerState,
      order: 3,
    },
    records_per_batch: {
      title: 'Records per batch',
      description: 'Records generated and written to stdout together (the unit sleep_ms_per_batch applies to).',
      type: 'integer',
      minimum: 1,
      default: DEFAULTS.recordsPerBatch,
      order: 4,
    },
    sleep_ms_per_batch: {
      title: 'Sleep per batch (ms)',
      description: 'Testing aid: pause this long after every batch to slow the source down, e.g. for cancellation tests.',
      type: 'integer',
      minimum: 0,
      default: DEFAULTS.sleepMsPerBatch,
      order: 5,
    },
    fail_after: {
      title: 'Fail after N records',
      description:
        'Testing aid: after emitting this many records in a run, emit a TRACE ERROR and exit with code 1 (STATE checkpoints emitted before then still count). Leave empty for normal runs.',
      type: 'integer',
      minimum: 0,
      order: 6,
    },
  },
};

function integerField(raw: Record<string, unknown>, key: string, fallback: number, minimum?: number): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ConnectorError(`config.${key} must be an integer`, 'config_error');
  }
  if (minimum !== undefined && value < minimum) {
    throw new ConnectorError(`config.${key} must be at least ${minimum}`, 'config_error');
  }
  return value;
}

/** The generator mixes a 32-bit seed: fold the high bits in so large seeds still differ. */
function foldTo32Bits(value: number): number {
  return (value ^ Math.floor(value / 0x100000000)) >>> 0;
}

/** Validates a raw config; throws a config_error ConnectorError naming the bad field. */
export function parseSampleConfig(raw: Record<string, unknown>): SampleConfig {
  let streams: SampleStreamName[] = [...SAMPLE_STREAM_NAMES];
  if (raw['streams'] !== undefined && raw['streams'] !== null) {
    const list = raw['streams'];
    if (!Array.isArray(list)) throw new ConnectorError('config.streams must be an array of stream names', 'config_error');
    streams = [];
    for (const name of list) {
      if (typeof name !== 'string' || !isSampleStreamName(name)) {
        throw new ConnectorError(
          `config.streams: unknown stream ${JSON.stringify(name)} (known: ${SAMPLE_STREAM_NAMES.join(', ')})`,
          'config_error',
        );
      }
      if (!streams.includes(name)) streams.push(name);
    }
  }
  const failAfter = raw['fail_after'] === undefined || raw['fail_after'] === null ? undefined : integerField(raw, 'fail_after', 0, 0);
  return {
    count: integerField(raw, 'count', DEFAULTS.count, 0),
    seed: foldTo32Bits(integerField(raw, 'seed', DEFAULTS.seed)),
    streams,
    recordsPerState: integerField(raw, 'records_per_state', DEFAULTS.recordsPerState, 1),
    recordsPerBatch: integerField(raw, 'records_per_batch', DEFAULTS.recordsPerBatch, 1),
    sleepMsPerBatch: integerField(raw, 'sleep_ms_per_batch', DEFAULTS.sleepMsPerBatch, 0),
    failAfter,
  };
}
