import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { installLabel, installRetryDelay, retryWhileInstalling } from './installs';

const installing = new ApiError(503, { code: 'connector_installing', retryAfterSeconds: 7, detail: 'source-faker 7.2.1 is being installed' });
const temporalDown = new ApiError(503, { code: 'temporal_unavailable' });

describe('waiting for a connector install', () => {
  it('keeps asking while the connector installs, at the pace the API gives, and not for other errors', () => {
    expect(retryWhileInstalling(3, installing)).toBe(true);
    expect(retryWhileInstalling(80, installing)).toBe(false);
    expect(retryWhileInstalling(0, temporalDown)).toBe(false);
    expect(retryWhileInstalling(0, new Error('network'))).toBe(false);
    expect(installRetryDelay(1, installing)).toBe(7_000);
    expect(installRetryDelay(1, new ApiError(503, { code: 'connector_installing' }))).toBe(15_000);
  });

  it('says where each install stands, with pip’s reason when it failed', () => {
    expect(installLabel({ installStatus: 'ready', installError: null })).toBe('ready');
    expect(installLabel({ installStatus: 'installing', installError: null })).toBe('installing on a worker…');
    expect(installLabel({ installStatus: 'pending', installError: null })).toBe('installs on first use');
    expect(installLabel({ installStatus: 'failed', installError: 'No matching distribution found for x==0.0.0' })).toBe(
      'install failed: No matching distribution found for x==0.0.0',
    );
  });
});
