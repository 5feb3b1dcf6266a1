/**
 * JsonlStorage in an S3-compatible bucket (MinIO, AWS S3), loaded only in S3 mode: it
 * brings in the `minio` client (through @tributary/storage/s3, the one place that builds it).
 *
 * One object per committed batch, not a multipart upload. The destination echoes a state
 * only once every record before it is durable. A multipart upload cannot give that: its
 * parts are invisible until the upload is completed, each part but the last must be at
 * least 5 MiB (a source may checkpoint every few records), and an upload left open by a
 * crashed attempt holds nothing a reader can see. A plain PUT returns once the object is
 * stored, so `sync()` uploads what is buffered as its own object and the state is echoed
 * after it: a retried attempt that resumes from that state finds every record before it.
 * The price is more, smaller objects when a source checkpoints often; an object is also
 * cut at PART_BYTES so memory stays bounded between states.
 *
 * A stream `<ns>/<stream>.jsonl` becomes the folder `<prefix>/<ns>/<stream>/`, holding
 * `<upload time, ms, 13 digits>-<writer id>-<sequence, 6 digits>.jsonl` objects (listing
 * order is writing order). Replace mode: at commit, every other object of the folder is
 * deleted (there is no atomic swap in S3; readers may see old and new objects together
 * for that moment); on abort, this writer's objects are deleted and the old ones stay.
 */
import { randomUUID } from 'node:crypto';
import { createS3Client, s3ErrorCode, type S3Client as Client } from '@tributary/storage/s3';
import type { JsonlS3Config } from './config.js';
import type { JsonlStorage, StoredObjectWriter, WriteMode } from './storage.js';

/** an object is uploaded once this much is buffered, even without a state */
export const PART_BYTES = 8 * 1024 * 1024;
const PART_NAME = /^\d{13}-[0-9a-f]{12}-\d{6}\.jsonl$/;
/** S3 deletes at most this many keys per request */
const DELETE_BATCH = 1000;

class S3ObjectWriter implements StoredObjectWriter {
  private readonly id = randomUUID().replaceAll('-', '').slice(0, 12);
  private buffered: string[] = [];
  private bufferedBytes = 0;
  private sequence = 0;
  private lastTime = 0;
  /** the keys this writer uploaded */
  private readonly written: string[] = [];

  constructor(
    private readonly client: Client,
    private readonly bucket: string,
    /** the stream's folder, ending in `/` */
    private readonly folder: string,
    private readonly mode: WriteMode,
  ) {}

  async write(data: string): Promise<void> {
    this.buffered.push(data);
    this.bufferedBytes += Buffer.byteLength(data);
    if (this.bufferedBytes >= PART_BYTES) await this.upload();
  }

  async sync(): Promise<void> {
    await this.upload();
  }

  async commit(): Promise<void> {
    await this.upload();
    if (this.mode === 'replace') {
      const mine = new Set(this.written);
      await this.removeAll((await this.listFolder()).filter((key) => !mine.has(key)));
    }
  }

  async abort(): Promise<void> {
    this.buffered = [];
    this.bufferedBytes = 0;
    // append: what was uploaded was acknowledged and stays; replace: the old objects stay as they were
    if (this.mode === 'replace') await this.removeAll(this.written);
  }

  private async upload(): Promise<void> {
    if (this.bufferedBytes === 0) return;
    const body = Buffer.from(this.buffered.join(''));
    this.buffered = [];
    this.bufferedBytes = 0;
    // never earlier than this writer's previous object, whatever the clock does
    this.lastTime = Math.max(this.lastTime, Date.now());
    this.sequence += 1;
    const key = `${this.folder}${String(this.lastTime).padStart(13, '0')}-${this.id}-${String(this.sequence).padStart(6, '0')}.jsonl`;
    await this.client.putObject(this.bucket, key, body, body.length, { 'Content-Type': 'application/x-ndjson' });
    this.written.push(key);
  }

  /** the data objects directly in the folder (not in the folders of other streams below it) */
  private async listFolder(): Promise<string[]> {
    const keys: string[] = [];
    let continuation = '';
    do {
      const page = await this.client.listObjectsV2Query(this.bucket, this.folder, continuation, '/', 1000, '');
      for (const object of page.objects) {
        if (object.name && PART_NAME.test(object.name.slice(this.folder.length))) keys.push(object.name);
      }
      continuation = page.isTruncated ? page.nextContinuationToken : '';
    } while (continuation);
    return keys;
  }

  private async removeAll(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) await this.client.removeObjects(this.bucket, keys.slice(i, i + DELETE_BATCH));
  }
}

/** What the server's refusal means for the person filling in the config. */
function explain(error: unknown, config: JsonlS3Config): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = s3ErrorCode(error);
  switch (code) {
    case 'InvalidAccessKeyId':
      return `the server does not know access_key_id (${code}: ${message})`;
    case 'SignatureDoesNotMatch':
      return `secret_access_key is not the secret of access_key_id (${code}: ${message})`;
    case 'AccessDenied':
      return `access_key_id may not write to bucket ${config.bucket}, or the credentials are wrong (${code}: ${message})`;
    default:
      return code ? `${code}: ${message}` : message;
  }
}

export class S3JsonlStorage implements JsonlStorage {
  readonly description: string;
  private readonly client: Client;

  constructor(private readonly config: JsonlS3Config) {
    const { client, origin } = createS3Client(config);
    this.client = client;
    this.description = `s3://${config.bucket}/${config.pathPrefix} at ${origin}`;
  }

  async checkWritable(): Promise<void> {
    try {
      // a GET, not bucketExists' HEAD: a refusal with a body names its reason (a wrong secret, an unknown key)
      await this.client.listObjectsV2Query(this.config.bucket, '', '', '', 1, '').catch(async (error: unknown) => {
        if (s3ErrorCode(error) !== 'NoSuchBucket') throw error;
        await this.makeBucket();
      });
      const probe = this.key([`.tributary-check-${randomUUID()}`]);
      await this.client.putObject(this.config.bucket, probe, 'ok');
      await this.client.removeObject(this.config.bucket, probe);
    } catch (error) {
      throw new Error(explain(error, this.config), { cause: error });
    }
  }

  async open(path: readonly string[], mode: WriteMode): Promise<StoredObjectWriter> {
    // `users.jsonl` names the stream's folder `users/`: objects cannot be appended to
    const folderPath = [...path.slice(0, -1), path.at(-1)!.replace(/\.jsonl$/, '')];
    return new S3ObjectWriter(this.client, this.config.bucket, `${this.key(folderPath)}/`, mode);
  }

  private key(segments: readonly string[]): string {
    return [...(this.config.pathPrefix ? [this.config.pathPrefix] : []), ...segments].join('/');
  }

  private async makeBucket(): Promise<void> {
    try {
      await this.client.makeBucket(this.config.bucket, this.config.region);
    } catch (error) {
      // another attempt created it meanwhile
      if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(s3ErrorCode(error) ?? '')) throw error;
    }
  }
}
