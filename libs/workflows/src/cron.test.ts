import { describe, expect, it } from 'vitest';
import { CronError, nextCronTime, parseCron } from './cron.js';
import { nextRunAt, validateSchedule } from './schedule.js';

const at = (iso: string) => Date.parse(iso);
const next = (expr: string, tz: string, after: string) => {
  const t = nextCronTime(parseCron(expr), tz, at(after));
  return t === undefined ? undefined : new Date(t).toISOString();
};

describe('cron', () => {
  it('finds the next minute-level match in UTC', () => {
    expect(next('*/15 * * * *', 'UTC', '2026-03-01T10:07:30Z')).toBe('2026-03-01T10:15:00.000Z');
    expect(next('0 12 * * *', 'UTC', '2026-03-01T12:00:00Z')).toBe('2026-03-02T12:00:00.000Z');
  });

  it('evaluates wall-clock time in the given time zone, across DST', () => {
    // 09:00 in New York is 14:00 UTC in winter, 13:00 UTC after the March switch
    expect(next('0 9 * * *', 'America/New_York', '2026-03-07T15:00:00Z')).toBe('2026-03-08T13:00:00.000Z');
    expect(next('0 9 * * *', 'America/New_York', '2026-03-06T15:00:00Z')).toBe('2026-03-07T14:00:00.000Z');
    // 02:30 does not exist on the spring-forward day: that day is skipped
    expect(next('30 2 * * *', 'America/New_York', '2026-03-08T00:00:00Z')).toBe('2026-03-09T06:30:00.000Z');
  });

  it('reads Quartz expressions (seconds first, ?, 1 = Sunday) and names', () => {
    // every Monday at 08:00:00 in Paris
    expect(next('0 0 8 ? * 2', 'Europe/Paris', '2026-06-03T00:00:00Z')).toBe('2026-06-08T06:00:00.000Z');
    expect(next('0 8 * * MON', 'Europe/Paris', '2026-06-03T00:00:00Z')).toBe('2026-06-08T06:00:00.000Z');
    expect(next('0 0 1 JAN *', 'UTC', '2026-06-03T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
  });

  it('matches either day field when both are restricted (classic cron)', () => {
    // the 13th or any Friday
    expect(next('0 0 13 * FRI', 'UTC', '2026-02-01T00:00:00Z')).toBe('2026-02-06T00:00:00.000Z');
  });

  it('rejects bad expressions and time zones with a message', () => {
    expect(() => parseCron('* * *')).toThrow(CronError);
    expect(() => parseCron('61 * * * *')).toThrow(/minutes/);
    expect(() => parseCron('0 0 L * ?')).toThrow(/not supported/);
    expect(() => validateSchedule({ type: 'cron', cronExpression: '0 * * * *', timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
  });
});

describe('nextRunAt', () => {
  const now = at('2026-05-01T12:00:00Z');
  it('never for manual schedules', () => {
    expect(nextRunAt({ type: 'manual' }, now)).toBeUndefined();
  });
  it('runs a basic schedule at once when never synced, then every N units after the last start', () => {
    const every = { type: 'basic', units: 2, timeUnit: 'hours' } as const;
    expect(nextRunAt(every, now)).toBe(now);
    const lastJob = { jobId: 'j', status: 'succeeded', startedAt: now - 30 * 60_000, endedAt: now } as const;
    expect(nextRunAt(every, now, lastJob)).toBe(lastJob.startedAt + 2 * 3_600_000);
    // missed runs happen once, as soon as possible
    expect(nextRunAt(every, now, { ...lastJob, startedAt: now - 10 * 3_600_000 })).toBe(now);
  });
});
