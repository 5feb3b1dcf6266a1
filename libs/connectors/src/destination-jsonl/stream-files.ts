/**
 * One output file per configured stream: where it goes, how it is written (append, or
 * replace at the end of a successful sync), and the records buffered for it.
 */
import { ConnectorError, type ConfiguredAirbyteCatalog, type StreamDescriptor } from '@tributary/protocol';
import { streamKey } from '../destination-common/index.js';
import { streamFilePath } from './paths.js';
import type { JsonlStorage, StoredObjectWriter, WriteMode } from './storage.js';

/** write() once this much is buffered for a stream: large writes, bounded memory */
export const FLUSH_BYTES = 1024 * 1024;

export class StreamFile {
  private writer: StoredObjectWriter | undefined;
  private buffered: string[] = [];
  private bufferedChars = 0;
  /** written since the last sync */
  private dirty = false;
  /** the source said this stream is complete (STREAM_STATUS COMPLETE) */
  complete = false;
  /** `_airbyte_meta` of a record without changes: the same for every such record */
  readonly emptyMetaJson: string;

  constructor(
    readonly descriptor: StreamDescriptor,
    readonly path: string[],
    readonly mode: WriteMode,
    readonly generationId: number,
    readonly syncId: number | undefined,
    private readonly storage: JsonlStorage,
  ) {
    this.emptyMetaJson = JSON.stringify({ changes: [], ...(syncId !== undefined ? { sync_id: syncId } : {}) });
  }

  /** adds one output line (without newline); true when it is time to flush */
  add(line: string): boolean {
    this.buffered.push(line);
    this.bufferedChars += line.length + 1;
    return this.bufferedChars >= FLUSH_BYTES;
  }

  get hasBuffered(): boolean {
    return this.bufferedChars > 0;
  }

  async flush(): Promise<void> {
    if (this.bufferedChars === 0) return;
    const data = this.buffered.join('\n') + '\n';
    this.buffered = [];
    this.bufferedChars = 0;
    await (await this.openWriter()).write(data);
    this.dirty = true;
  }

  /** flushes and makes the data durable: required before acknowledging a state */
  async flushAndSync(): Promise<void> {
    await this.flush();
    if (this.dirty && this.writer) {
      await this.writer.sync();
      this.dirty = false;
    }
  }

  /** end of a successful sync: replace files are swapped in (an empty stream gives an empty file) */
  async commit(): Promise<void> {
    await this.flush();
    // an append stream without records leaves the directory as it was
    if (this.mode === 'append' && !this.writer) return;
    await (await this.openWriter()).commit();
  }

  async abort(): Promise<void> {
    this.buffered = [];
    this.bufferedChars = 0;
    await this.writer?.abort();
  }

  private async openWriter(): Promise<StoredObjectWriter> {
    this.writer ??= await this.storage.open(this.path, this.mode);
    return this.writer;
  }
}

/** the write mode a configured stream asks for; config_error for modes a file cannot honour */
function writeModeOf(destinationSyncMode: string, generationId: number, minimumGenerationId: number): WriteMode {
  if (destinationSyncMode === 'overwrite') return 'replace';
  if (destinationSyncMode === 'append') {
    // a "refresh and remove records": older generations must go, i.e. replace the file
    return minimumGenerationId > 0 && minimumGenerationId === generationId ? 'replace' : 'append';
  }
  throw new ConnectorError(
    `destination sync mode ${destinationSyncMode} is not supported by destination-jsonl (use overwrite or append)`,
    'config_error',
  );
}

export function planStreamFiles(catalog: ConfiguredAirbyteCatalog, storage: JsonlStorage): Map<string, StreamFile> {
  const files = new Map<string, StreamFile>();
  const byPath = new Map<string, StreamDescriptor>();
  for (const configured of catalog.streams) {
    const { name, namespace } = configured.stream;
    const descriptor: StreamDescriptor = namespace ? { name, namespace } : { name };
    const generationId = configured.generation_id ?? 0;
    const mode = writeModeOf(configured.destination_sync_mode, generationId, configured.minimum_generation_id ?? 0);
    const path = streamFilePath(name, namespace);
    const pathKey = path.join('/');
    const clash = byPath.get(pathKey);
    if (clash) {
      throw new ConnectorError(
        `streams ${JSON.stringify(clash)} and ${JSON.stringify(descriptor)} would both be written to ${pathKey}`,
        'config_error',
      );
    }
    byPath.set(pathKey, descriptor);
    files.set(streamKey(name, namespace), new StreamFile(descriptor, path, mode, generationId, configured.sync_id ?? undefined, storage));
  }
  return files;
}
