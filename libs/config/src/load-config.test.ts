import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';
import { bootloaderEnvSchema, serverEnvSchema } from './schemas.js';

const key = randomBytes(32);
const validServerEnv = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/tributary',
  TRIBUTARY_SECRET_KEY: key.toString('base64'),
};

describe('loadConfig', () => {
  it('applies defaults and decodes the secret key', () => {
    const config = loadConfig(serverEnvSchema, validServerEnv);
    expect(config.PORT).toBe(8000);
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.DATABASE_POOL_SIZE).toBe(10);
    expect(config.TRIBUTARY_SECRET_KEY.equals(key)).toBe(true);
  });

  it('takes a pool size of at least one connection', () => {
    expect(loadConfig(serverEnvSchema, { ...validServerEnv, DATABASE_POOL_SIZE: '4' }).DATABASE_POOL_SIZE).toBe(4);
    expect(() => loadConfig(serverEnvSchema, { ...validServerEnv, DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE:/);
    expect(() => loadConfig(serverEnvSchema, { ...validServerEnv, DATABASE_POOL_SIZE: 'many' })).toThrow(/DATABASE_POOL_SIZE:/);
  });

  it('accepts a hex key and coerces the port', () => {
    const config = loadConfig(serverEnvSchema, { ...validServerEnv, TRIBUTARY_SECRET_KEY: key.toString('hex'), PORT: '9001' });
    expect(config.PORT).toBe(9001);
    expect(config.TRIBUTARY_SECRET_KEY.equals(key)).toBe(true);
  });

  it('names every missing and invalid variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(serverEnvSchema, { TRIBUTARY_SECRET_KEY: 'short', PORT: 'eighty', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'TRIBUTARY_SECRET_KEY']);
    expect(problems.find((p) => p.variable === 'DATABASE_URL')?.message).toBe('is required but not set');
    expect((error as Error).message).toContain('TRIBUTARY_SECRET_KEY: must be 32 bytes');
  });

  it('treats empty strings as unset so defaults apply', () => {
    expect(loadConfig(serverEnvSchema, { ...validServerEnv, PORT: '' }).PORT).toBe(8000);
  });

  it('rejects a database URL that is not postgres', () => {
    expect(() => loadConfig(bootloaderEnvSchema, { DATABASE_URL: 'mysql://x@y/z' })).toThrow(/DATABASE_URL: must be a postgres/);
  });
});
