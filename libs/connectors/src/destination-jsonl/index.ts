/** destination-jsonl: one JSON-lines file per stream, in a local directory or an S3-compatible bucket. */
import { ConnectorError, type Connector, type ConnectorSpecification } from '@tributary/protocol';
import { JSONL_CONNECTION_SPECIFICATION, parseJsonlConfig, type JsonlConfig } from './config.js';
import { LocalDirectoryStorage } from './local-directory-storage.js';
import type { JsonlStorage } from './storage.js';
import { writeJsonl } from './write.js';

export { parseJsonlConfig, type JsonlConfig, type JsonlS3Config } from './config.js';
export { LocalDirectoryStorage, resolveInside } from './local-directory-storage.js';
export { safeSegment, streamFilePath } from './paths.js';
export type { JsonlStorage, StoredObjectWriter, WriteMode } from './storage.js';
export { writeJsonl } from './write.js';

export const jsonlSpecification: ConnectorSpecification = {
  connectionSpecification: JSONL_CONNECTION_SPECIFICATION,
  supportsIncremental: true,
  supported_destination_sync_modes: ['overwrite', 'append'],
};

/** The storage the config names; the S3 client is loaded only in S3 mode. */
async function openJsonlStorage(config: JsonlConfig): Promise<JsonlStorage> {
  if (config.kind === 'local') return new LocalDirectoryStorage(config.destinationPath);
  const { S3JsonlStorage } = await import('./s3-jsonl-storage.js');
  return new S3JsonlStorage(config);
}

export const destinationJsonl: Connector = {
  spec: () => jsonlSpecification,
  async check(config) {
    let storage: JsonlStorage;
    try {
      storage = await openJsonlStorage(parseJsonlConfig(config));
    } catch (err) {
      return { status: 'FAILED', message: (err as Error).message };
    }
    try {
      await storage.checkWritable();
      return { status: 'SUCCEEDED' };
    } catch (err) {
      return { status: 'FAILED', message: `cannot write to ${storage.description}: ${(err as Error).message}` };
    }
  },
  async write({ config, catalog, input, out }) {
    const storage = await openJsonlStorage(parseJsonlConfig(config));
    try {
      await storage.checkWritable();
    } catch (err) {
      throw new ConnectorError(`cannot write to ${storage.description}: ${(err as Error).message}`, 'config_error');
    }
    await writeJsonl({ catalog, storage, input: input as AsyncIterable<Buffer | string>, out });
  },
};
