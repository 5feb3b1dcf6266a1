import { describe, expect, it } from 'vitest';
import { JOB_POD_SELECTOR, jobPodLabels, labelValue } from './job-pod-labels.js';

describe('job pod labels', () => {
  it('marks every job pod and names its job type, job, attempt and connection', () => {
    expect(JOB_POD_SELECTOR).toBe('tributary=job-pod');
    expect(jobPodLabels({ jobType: 'sync', jobId: '42', attempt: 3, connectionId: '7d0f3b1e-8a52-4c1e-9a43-2d1c2b7e5f10' })).toEqual({
      tributary: 'job-pod',
      'tributary.io/job-type': 'sync',
      'tributary.io/job-id': '42',
      'tributary.io/attempt': '3',
      'tributary.io/connection-id': '7d0f3b1e-8a52-4c1e-9a43-2d1c2b7e5f10',
    });
    expect(Object.keys(jobPodLabels({ jobType: 'check', jobId: '1', attempt: 1 }))).not.toContain('tributary.io/connection-id');
  });

  it('makes any id a valid label value: at most 63 characters, letters or digits at both ends', () => {
    expect(labelValue('connector-command:spec/0f9e')).toBe('connector-command-spec-0f9e');
    expect(labelValue('--x--')).toBe('x');
    const long = labelValue(`${'a'.repeat(62)}:b`);
    expect(long).toBe('a'.repeat(62));
    expect(labelValue('a'.repeat(100)).length).toBe(63);
  });
});
