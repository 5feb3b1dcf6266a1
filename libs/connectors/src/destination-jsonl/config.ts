/** destination-jsonl's configuration: the JSON Schema shown in `spec` and its validation. */
import { isAbsolute } from 'node:path';
import { ConnectorError } from '@tributary/protocol';

export interface JsonlConfig {
  destinationPath: string;
}

export const JSONL_CONNECTION_SPECIFICATION: Record<string, unknown> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'JSON Lines Destination Spec',
  description: 'Writes each stream to <destination_path>/<namespace>/<stream>.jsonl, one record per line.',
  type: 'object',
  required: ['destination_path'],
  additionalProperties: true,
  properties: {
    destination_path: {
      title: 'Destination path',
      description: 'Absolute path of the directory the files go to (created if missing), on the machine that runs the connector.',
      type: 'string',
      examples: ['/var/lib/tributary/exports'],
      order: 0,
    },
  },
};

export function parseJsonlConfig(raw: Record<string, unknown>): JsonlConfig {
  const path = raw['destination_path'];
  if (typeof path !== 'string' || path.trim() === '') {
    throw new ConnectorError('config.destination_path is required: the directory to write the files to', 'config_error');
  }
  // relative to what? the connector runs wherever the worker puts it
  if (!isAbsolute(path))
    throw new ConnectorError(`config.destination_path must be an absolute path, got ${JSON.stringify(path)}`, 'config_error');
  return { destinationPath: path };
}
