import { describe, expect, it } from 'vitest';
import { containerResources, resolveResources } from './resources.js';

describe('resolveResources', () => {
  const defaults = {
    default: { cpuRequest: '100m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '1Gi' },
    sync: { cpuRequest: '500m', memoryLimit: '2Gi' },
  };

  it('takes each field from the first that sets it: connection, definition, job type default, instance default', () => {
    expect(
      resolveResources('sync', { connection: { memoryLimit: '8Gi' }, definition: { memoryLimit: '4Gi', cpuLimit: '2' } }, defaults),
    ).toEqual({ memoryLimit: '8Gi', cpuLimit: '2', cpuRequest: '500m', memoryRequest: '256Mi' });
  });

  it('a job type without its own default gets the instance default; the definition still wins', () => {
    expect(resolveResources('check', { definition: { memoryRequest: '64Mi' } }, defaults)).toEqual({
      cpuRequest: '100m',
      cpuLimit: '1',
      memoryRequest: '64Mi',
      memoryLimit: '1Gi',
    });
  });

  it('sets nothing when nothing is set, and an empty string does not count as set', () => {
    expect(resolveResources('spec', {}, {})).toEqual({});
    expect(resolveResources('spec', { connection: { memoryLimit: '' } }, { spec: { memoryLimit: '1Gi' } })).toEqual({ memoryLimit: '1Gi' });
  });
});

describe('containerResources', () => {
  it('maps the fields to requests and limits, leaving out what is unset', () => {
    expect(containerResources({ cpuRequest: '250m', memoryLimit: '512Mi' })).toEqual({ requests: { cpu: '250m' }, limits: { memory: '512Mi' } });
    expect(containerResources({})).toEqual({});
  });
});
