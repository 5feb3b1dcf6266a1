import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { parseWorkerEnv } from './worker-env.js';

describe('worker environment', () => {
  it('has defaults for a local dev server', () => {
    expect(parseWorkerEnv({})).toEqual({
      temporalAddress: '127.0.0.1:7233',
      temporalNamespace: 'default',
      temporalTaskQueue: 'tributary',
      dataDir: resolve('.tributary/data'),
      workflowBundlePath: undefined,
    });
  });

  it('reads every variable', () => {
    const env = parseWorkerEnv({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      TEMPORAL_TASK_QUEUE: 'q',
      TRIBUTARY_DATA_DIR: '/var/lib/tributary',
      TRIBUTARY_WORKFLOW_BUNDLE: '/opt/bundle.js',
    });
    expect(env).toEqual({
      temporalAddress: 'temporal:7233',
      temporalNamespace: 'prod',
      temporalTaskQueue: 'q',
      dataDir: '/var/lib/tributary',
      workflowBundlePath: '/opt/bundle.js',
    });
  });

  it('names a bad variable', () => {
    expect(() => parseWorkerEnv({ TEMPORAL_ADDRESS: 'http://temporal' })).toThrow(/TEMPORAL_ADDRESS: must be host:port/);
  });
});
