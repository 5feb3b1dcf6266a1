/** What the supervisor prints for a service's error-level log line (tools/stack/service.mjs). */
import { describe, expect, it } from 'vitest';
import { errorMessage } from './service.mjs';

const line = (entry: Record<string, unknown>) => JSON.stringify({ time: 1, pid: 7, hostname: 'vm', name: 'server', ...entry });

describe('errorMessage', () => {
  it("says which request failed and how, not only pino's message", () => {
    const failed = line({ level: 50, component: 'http', method: 'GET', url: '/api/v1/jobs/3', status: 500, ms: 4, msg: 'request failed' });
    expect(errorMessage(failed)).toBe('request failed: GET /api/v1/jobs/3 answered 500');
  });

  it("adds a problem's detail and an error's first line", () => {
    expect(errorMessage(line({ level: 50, msg: 'request failed', path: '/api/v1/jobs', detail: 'Temporal is not reachable' }))).toBe(
      'request failed: /api/v1/jobs: Temporal is not reachable',
    );
    expect(errorMessage(line({ level: 60, msg: 'crashed', err: { type: 'Error', message: 'boom\n    at main.js:1', stack: '…' } }))).toBe(
      'crashed: boom',
    );
  });

  it('keeps a message that already says it all as it is, and takes named levels', () => {
    expect(errorMessage(line({ level: 'error', msg: 'sync failed: boom', err: { message: 'boom' } }))).toBe('sync failed: boom');
    expect(errorMessage(line({ level: 'fatal', message: 'no database\nsecond line' }))).toBe('no database');
  });

  it('ignores lines below error level and lines that are not JSON', () => {
    expect(errorMessage(line({ level: 40, msg: 'request failed', detail: 'installing' }))).toBeUndefined();
    expect(errorMessage(line({ level: 30, method: 'GET', url: '/', status: 200, msg: 'request' }))).toBeUndefined();
    expect(errorMessage('{"level":50, not json')).toBeUndefined();
    expect(errorMessage('plain text error')).toBeUndefined();
  });
});
