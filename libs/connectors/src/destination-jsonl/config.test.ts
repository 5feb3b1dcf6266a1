import { ConnectorError } from '@tributary/protocol';
import { describe, expect, it } from 'vitest';
import { parseJsonlConfig } from './config.js';

const s3 = (overrides: Record<string, unknown> = {}) => ({
  storage: { storage_type: 's3', bucket: 'exports', access_key_id: 'key', secret_access_key: 'secret', ...overrides },
});

describe('parseJsonlConfig', () => {
  it('keeps the local directory as before, with or without storage_type local', () => {
    expect(parseJsonlConfig({ destination_path: '/out' })).toEqual({ kind: 'local', destinationPath: '/out' });
    expect(parseJsonlConfig({ destination_path: '/out', storage: { storage_type: 'local' } })).toEqual({
      kind: 'local',
      destinationPath: '/out',
    });
  });

  it('reads the S3 option with its defaults: region us-east-1, the bucket root, path-style URLs', () => {
    expect(parseJsonlConfig(s3())).toEqual({
      kind: 's3',
      bucket: 'exports',
      region: 'us-east-1',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      pathPrefix: '',
      pathStyle: true,
    });
    expect(
      parseJsonlConfig(s3({ endpoint: 'http://minio:9000', path_prefix: '/a/b/', path_style: false, region: 'eu-west-1' })),
    ).toMatchObject({
      endpoint: 'http://minio:9000',
      pathPrefix: 'a/b',
      pathStyle: false,
      region: 'eu-west-1',
    });
  });

  it.each([
    [s3({ bucket: '' }), /config\.storage\.bucket is required/],
    [s3({ secret_access_key: undefined }), /config\.storage\.secret_access_key is required/],
    [s3({ endpoint: 'minio:9000' }), /config\.storage\.endpoint must be an http\(s\) URL/],
    [s3({ endpoint: 'http://minio:9000/bucket' }), /config\.storage\.endpoint must be an http\(s\) URL without a path/],
    [s3({ path_prefix: 'a/../b' }), /config\.storage\.path_prefix must be folder names/],
    [s3({ path_style: 'yes' }), /config\.storage\.path_style must be true or false/],
    [{ storage: { storage_type: 'gcs' } }, /config\.storage\.storage_type must be local or s3/],
    [{ storage: { storage_type: 'local' } }, /config\.destination_path is required/],
  ])('refuses %j as a config error naming the field', (config, message) => {
    let error: unknown;
    try {
      parseJsonlConfig(config as Record<string, unknown>);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('config_error');
    expect((error as Error).message).toMatch(message);
  });
});
