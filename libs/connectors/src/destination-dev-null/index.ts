/** destination-dev-null: discards records, acknowledges state. For tests and benchmarks. */
import type { Connector, ConnectorSpecification } from '@tributary/protocol';
import { writeToDevNull } from './write.js';

export { writeToDevNull } from './write.js';

export const devNullSpecification: ConnectorSpecification = {
  connectionSpecification: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Dev Null Destination Spec',
    description: 'Discards every record and acknowledges every state. For tests and benchmarks.',
    type: 'object',
    required: [],
    additionalProperties: true,
    properties: {},
  },
  supportsIncremental: true,
  supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
};

export const destinationDevNull: Connector = {
  spec: () => devNullSpecification,
  check: async () => ({ status: 'SUCCEEDED' }),
  async write({ readInput, out }) {
    await writeToDevNull(readInput, out);
  },
};
