/** source-sample: fast, deterministic synthetic data for tests, demos and benchmarks. */
import type { AirbyteCatalog, AirbyteStream, Connector, ConnectorConfig, ConnectorSpecification } from '@tributary/protocol';
import { SAMPLE_CONNECTION_SPECIFICATION, parseSampleConfig } from './config.js';
import { planStreams, readSample } from './read.js';
import { CURSOR_FIELD, PRIMARY_KEY, SAMPLE_STREAMS } from './streams.js';

export { parseSampleConfig, type SampleConfig } from './config.js';
export { SAMPLE_STREAM_NAMES, type SampleStreamName } from './streams.js';

export const sampleSpecification: ConnectorSpecification = {
  connectionSpecification: SAMPLE_CONNECTION_SPECIFICATION,
  supportsIncremental: true,
};

export function discoverSample(config: ConnectorConfig): AirbyteCatalog {
  const { streams } = parseSampleConfig(config);
  return {
    streams: streams.map((name): AirbyteStream => ({
      name,
      json_schema: SAMPLE_STREAMS[name].jsonSchema,
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_cursor: true,
      default_cursor_field: [CURSOR_FIELD],
      source_defined_primary_key: [[PRIMARY_KEY]],
    })),
  };
}

export const sourceSample: Connector = {
  spec: () => sampleSpecification,
  async check(config) {
    try {
      parseSampleConfig(config);
      return { status: 'SUCCEEDED' };
    } catch (err) {
      return { status: 'FAILED', message: (err as Error).message };
    }
  },
  discover: async (config) => discoverSample(config),
  async read({ config, catalog, state }) {
    const parsed = parseSampleConfig(config);
    // straight to stdout as bytes (the SDK's MessageWriter, which runConnector also
    // writes to process.stdout, takes strings): nothing else is written during a read
    await readSample({ config: parsed, plans: planStreams(parsed, catalog, state), out: process.stdout });
  },
};
