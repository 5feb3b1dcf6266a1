/** destination-jsonl: one JSON-lines file per stream, in a local directory (S3 later). */
import { ConnectorError, type Connector, type ConnectorSpecification } from '@tributary/protocol';
import { JSONL_CONNECTION_SPECIFICATION, parseJsonlConfig } from './config.js';
import { LocalDirectoryStorage } from './local-directory-storage.js';
import { writeJsonl } from './write.js';

export { parseJsonlConfig, type JsonlConfig } from './config.js';
export { LocalDirectoryStorage, resolveInside } from './local-directory-storage.js';
export { safeSegment, streamFilePath } from './paths.js';
export type { JsonlStorage, StoredObjectWriter, WriteMode } from './storage.js';
export { writeJsonl } from './write.js';

export const jsonlSpecification: ConnectorSpecification = {
  connectionSpecification: JSONL_CONNECTION_SPECIFICATION,
  supportsIncremental: true,
  supported_destination_sync_modes: ['overwrite', 'append'],
};

export const destinationJsonl: Connector = {
  spec: () => jsonlSpecification,
  async check(config) {
    try {
      const { destinationPath } = parseJsonlConfig(config);
      await new LocalDirectoryStorage(destinationPath).checkWritable();
      return { status: 'SUCCEEDED' };
    } catch (err) {
      return { status: 'FAILED', message: `cannot write to the destination: ${(err as Error).message}` };
    }
  },
  async write({ config, catalog, input, out }) {
    const { destinationPath } = parseJsonlConfig(config);
    const storage = new LocalDirectoryStorage(destinationPath);
    try {
      await storage.checkWritable();
    } catch (err) {
      throw new ConnectorError(`cannot write to ${destinationPath}: ${(err as Error).message}`, 'config_error');
    }
    await writeJsonl({ catalog, storage, input: input as AsyncIterable<Buffer | string>, out });
  },
};
