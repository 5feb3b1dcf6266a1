import { Connection } from '@temporalio/client';
import { loadConfig, serverEnvSchema } from '@tributary/config';
import { CONNECTOR_COMMAND_TIMEOUT_MS } from '@tributary/workflows';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { temporalDependenciesFrom, temporalSettings } from './temporal-settings.js';

const env = {
  DATABASE_URL: 'postgres://tributary@127.0.0.1:5432/tributary',
  TRIBUTARY_SECRET_KEY: randomBytes(32).toString('base64'),
  TEMPORAL_NAMESPACE: 'analytics',
  TEMPORAL_TASK_QUEUE: 'syncs',
};

describe('temporal settings from the environment', () => {
  // lazy: nothing connects unless a call is made
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  afterAll(() => connection.close());

  it('uses the namespace and task queue, and a 10 min connector command limit by default', () => {
    const settings = temporalSettings(temporalDependenciesFrom(loadConfig(serverEnvSchema, env), connection));
    expect(settings).toMatchObject({ namespace: 'analytics', taskQueue: 'syncs', connectorCommandTimeoutMs: CONNECTOR_COMMAND_TIMEOUT_MS });
    expect(CONNECTOR_COMMAND_TIMEOUT_MS).toBe(10 * 60_000);
  });

  it('takes the connector command limit from TRIBUTARY_CONNECTOR_COMMAND_TIMEOUT_MS', () => {
    const config = loadConfig(serverEnvSchema, { ...env, TRIBUTARY_CONNECTOR_COMMAND_TIMEOUT_MS: '1800000' });
    expect(temporalSettings(temporalDependenciesFrom(config, connection)).connectorCommandTimeoutMs).toBe(1_800_000);
  });

  it('refuses a limit under one second or not a number, naming the variable', () => {
    for (const bad of ['500', 'soon', '1.5e3x']) {
      expect(() => loadConfig(serverEnvSchema, { ...env, TRIBUTARY_CONNECTOR_COMMAND_TIMEOUT_MS: bad })).toThrow(
        /TRIBUTARY_CONNECTOR_COMMAND_TIMEOUT_MS:/,
      );
    }
  });
});
