import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storageChoiceOf, storageDirOf } from './env-parts.js';
import { ConfigError, loadConfig } from './load-config.js';
import { serverEnvSchema, workerEnvSchema } from './schemas.js';

const required = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/tributary', TRIBUTARY_SECRET_KEY: randomBytes(32).toString('base64') };

describe('storage directory', () => {
  it('defaults to storage/ under the data dir, for the server and the worker alike', () => {
    for (const schema of [serverEnvSchema, workerEnvSchema]) {
      expect(storageDirOf(loadConfig(schema, required))).toBe(join('.tributary/data', 'storage'));
      expect(storageDirOf(loadConfig(schema, { ...required, TRIBUTARY_DATA_DIR: '/var/lib/tributary/' }))).toBe(
        '/var/lib/tributary/storage',
      );
    }
  });

  it('uses TRIBUTARY_STORAGE_DIR when set, and treats an empty value as unset', () => {
    const config = loadConfig(serverEnvSchema, { ...required, TRIBUTARY_DATA_DIR: '/data', TRIBUTARY_STORAGE_DIR: '/mnt/blobs' });
    expect(storageDirOf(config)).toBe('/mnt/blobs');
    expect(storageDirOf(loadConfig(workerEnvSchema, { ...required, TRIBUTARY_DATA_DIR: '/data', TRIBUTARY_STORAGE_DIR: '' }))).toBe(
      '/data/storage',
    );
  });
});

describe('storage choice', () => {
  const s3 = {
    TRIBUTARY_STORAGE: 's3',
    TRIBUTARY_S3_BUCKET: 'tributary-logs',
    TRIBUTARY_S3_ENDPOINT: 'http://127.0.0.1:9000',
    TRIBUTARY_S3_ACCESS_KEY_ID: 'tributary',
    TRIBUTARY_S3_SECRET_ACCESS_KEY: 'not-a-real-secret',
  };

  it('is the local directory unless TRIBUTARY_STORAGE says s3', () => {
    expect(storageChoiceOf(loadConfig(serverEnvSchema, { ...required, TRIBUTARY_DATA_DIR: '/data' }))).toEqual({ kind: 'local', dir: '/data/storage' });
    expect(storageChoiceOf(loadConfig(workerEnvSchema, { ...required, ...s3, TRIBUTARY_S3_PATH_STYLE: 'false' }))).toEqual({
      kind: 's3',
      bucket: 'tributary-logs',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      accessKeyId: 'tributary',
      secretAccessKey: 'not-a-real-secret',
      pathStyle: false,
    });
  });

  it('names each missing S3 setting', () => {
    const config = loadConfig(serverEnvSchema, { ...required, TRIBUTARY_STORAGE: 's3', TRIBUTARY_S3_ACCESS_KEY_ID: 'tributary' });
    const problems = (() => {
      try {
        storageChoiceOf(config);
      } catch (error) {
        return error instanceof ConfigError ? error.problems : error;
      }
    })();
    expect(problems).toEqual([
      { variable: 'TRIBUTARY_S3_BUCKET', message: 'is required when TRIBUTARY_STORAGE=s3' },
      { variable: 'TRIBUTARY_S3_SECRET_ACCESS_KEY', message: 'is required when TRIBUTARY_STORAGE=s3' },
    ]);
  });

  it('names a bad storage kind, bucket, endpoint or path-style setting', () => {
    for (const [variable, value] of [
      ['TRIBUTARY_STORAGE', 'gcs'],
      ['TRIBUTARY_S3_BUCKET', 'Not_A_Bucket'],
      ['TRIBUTARY_S3_ENDPOINT', 'minio:9000'],
      ['TRIBUTARY_S3_ENDPOINT', 'ftp://minio:9000'],
      ['TRIBUTARY_S3_ENDPOINT', 'http://minio:9000/bucket'],
      ['TRIBUTARY_S3_PATH_STYLE', 'yes'],
    ] as const) {
      expect(() => loadConfig(workerEnvSchema, { ...required, ...s3, [variable]: value }), `${variable}=${value}`).toThrow(
        new RegExp(`^invalid configuration:\\n  ${variable}: `),
      );
    }
  });
});
