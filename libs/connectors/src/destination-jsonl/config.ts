/** destination-jsonl's configuration: the JSON Schema shown in `spec` and its validation. */
import { isAbsolute } from 'node:path';
import { ConnectorError } from '@tributary/protocol';

export interface JsonlS3Config {
  bucket: string;
  /** e.g. `http://127.0.0.1:9000` (MinIO); unset: AWS S3 in `region` */
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** key prefix the stream folders go under, without leading or trailing `/`; '' for the bucket's root */
  pathPrefix: string;
  pathStyle: boolean;
}

export type JsonlConfig = { kind: 'local'; destinationPath: string } | ({ kind: 's3' } & JsonlS3Config);

const S3_OPTION = {
  title: 'S3 / MinIO bucket',
  description:
    'One object per committed batch under <path_prefix>/<namespace>/<stream>/: a state is acknowledged only after the objects holding every record before it are uploaded.',
  type: 'object',
  required: ['storage_type', 'bucket', 'access_key_id', 'secret_access_key'],
  properties: {
    storage_type: { type: 'string', const: 's3', order: 0 },
    bucket: { title: 'Bucket', description: 'Created if missing.', type: 'string', examples: ['tributary-exports'], order: 1 },
    endpoint: {
      title: 'Endpoint',
      description: 'URL of an S3-compatible server (MinIO, Ceph...). Leave empty for AWS S3 in the region below.',
      type: 'string',
      examples: ['http://minio.example.internal:9000'],
      order: 2,
    },
    region: { title: 'Region', type: 'string', default: 'us-east-1', order: 3 },
    access_key_id: { title: 'Access key ID', type: 'string', airbyte_secret: true, order: 4 },
    secret_access_key: { title: 'Secret access key', type: 'string', airbyte_secret: true, order: 5 },
    path_prefix: {
      title: 'Path prefix',
      description: 'Key prefix the stream folders go under, e.g. exports/tributary. Empty: the bucket root.',
      type: 'string',
      default: '',
      order: 6,
    },
    path_style: {
      title: 'Path-style URLs',
      description: 'endpoint/bucket/key rather than bucket.endpoint/key: MinIO and most self-hosted servers need it.',
      type: 'boolean',
      default: true,
      order: 7,
    },
  },
};

export const JSONL_CONNECTION_SPECIFICATION: Record<string, unknown> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'JSON Lines Destination Spec',
  description:
    'Writes each stream to <destination_path>/<namespace>/<stream>.jsonl, one record per line; or, with S3 storage, to objects under <path_prefix>/<namespace>/<stream>/ in a bucket.',
  type: 'object',
  additionalProperties: true,
  properties: {
    destination_path: {
      title: 'Destination path',
      description:
        'Absolute path of the directory the files go to (created if missing), on the machine that runs the connector. Required for local storage, unused with S3.',
      type: 'string',
      examples: ['/var/lib/tributary/exports'],
      order: 0,
    },
    storage: {
      title: 'Storage',
      description: 'Where the files go: the local directory above (default) or an S3-compatible bucket.',
      type: 'object',
      order: 1,
      oneOf: [
        {
          title: 'Local directory',
          type: 'object',
          required: ['storage_type'],
          properties: { storage_type: { type: 'string', const: 'local', order: 0 } },
        },
        S3_OPTION,
      ],
    },
  },
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function configError(message: string): ConnectorError {
  return new ConnectorError(message, 'config_error');
}

function requiredString(raw: Record<string, unknown>, field: string, what: string): string {
  const value = raw[field];
  if (typeof value !== 'string' || value.trim() === '') throw configError(`config.storage.${field} is required: ${what}`);
  return value.trim();
}

function optionalString(raw: Record<string, unknown>, field: string): string | undefined {
  const value = raw[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw configError(`config.storage.${field} must be a string`);
  return value.trim() || undefined;
}

function parseS3(raw: Record<string, unknown>): JsonlS3Config {
  const endpoint = optionalString(raw, 'endpoint');
  if (endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/')
      throw configError(
        `config.storage.endpoint must be an http(s) URL without a path, like http://minio:9000; got ${JSON.stringify(endpoint)}`,
      );
  }
  const pathStyle = raw['path_style'] ?? true;
  if (typeof pathStyle !== 'boolean') throw configError('config.storage.path_style must be true or false');
  const pathPrefix = (optionalString(raw, 'path_prefix') ?? '').replace(/^\/+|\/+$/g, '');
  if (pathPrefix !== '' && pathPrefix.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
    throw configError(
      `config.storage.path_prefix must be folder names separated by single '/', without '.' or '..'; got ${JSON.stringify(raw['path_prefix'])}`,
    );
  return {
    bucket: requiredString(raw, 'bucket', 'the bucket to write to'),
    ...(endpoint !== undefined ? { endpoint } : {}),
    region: optionalString(raw, 'region') ?? 'us-east-1',
    accessKeyId: requiredString(raw, 'access_key_id', 'the access key the objects are written with'),
    secretAccessKey: requiredString(raw, 'secret_access_key', 'the secret of access_key_id'),
    pathPrefix,
    pathStyle,
  };
}

export function parseJsonlConfig(raw: Record<string, unknown>): JsonlConfig {
  const storage = raw['storage'];
  if (storage !== undefined && storage !== null) {
    if (!isObject(storage)) throw configError('config.storage must be an object with a storage_type of local or s3');
    const type = storage['storage_type'] ?? 'local';
    if (type === 's3') return { kind: 's3', ...parseS3(storage) };
    if (type !== 'local') throw configError(`config.storage.storage_type must be local or s3, got ${JSON.stringify(type)}`);
  }
  const path = raw['destination_path'];
  if (typeof path !== 'string' || path.trim() === '') {
    throw configError('config.destination_path is required: the directory to write the files to');
  }
  // relative to what? the connector runs wherever the worker puts it
  if (!isAbsolute(path)) throw configError(`config.destination_path must be an absolute path, got ${JSON.stringify(path)}`);
  return { kind: 'local', destinationPath: path };
}
