import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storageDirOf } from './env-parts.js';
import { loadConfig } from './load-config.js';
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
