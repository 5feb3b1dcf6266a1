/** When a connection runs next (pure; evaluated in the connection workflow with workflow time). */
import type { ConnectionSchedule, LastJob } from './connection-contract.js';
import { nextCronTime, parseCron } from './cron.js';

const UNIT_MS = { minutes: 60_000, hours: 3_600_000 } as const;

/**
 * Epoch ms of the next scheduled run, or undefined for manual schedules. A basic schedule
 * runs at once when the connection never ran, then every N units after the last job start;
 * a missed run (worker down) happens as soon as possible, once.
 */
export function nextRunAt(schedule: ConnectionSchedule, now: number, lastJob?: LastJob): number | undefined {
  switch (schedule.type) {
    case 'manual':
      return undefined;
    case 'basic': {
      if (!lastJob) return now;
      return Math.max(now, lastJob.startedAt + schedule.units * UNIT_MS[schedule.timeUnit]);
    }
    case 'cron':
      return nextCronTime(parseCron(schedule.cronExpression), schedule.timeZone, Math.max(now, lastJob?.startedAt ?? 0));
  }
}

/** Throws a CronError/Error naming what is wrong; for the API to validate before saving. */
export function validateSchedule(schedule: ConnectionSchedule): void {
  if (schedule.type === 'basic' && (!Number.isInteger(schedule.units) || schedule.units < 1)) {
    throw new Error('schedule.units must be a positive integer');
  }
  if (schedule.type === 'cron') nextCronTime(parseCron(schedule.cronExpression), schedule.timeZone, 0);
}
