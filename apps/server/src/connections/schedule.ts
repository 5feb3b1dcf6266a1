import type { FieldError } from '@tributary/domain';
import type { ConnectionSchedule } from '@tributary/db';
import { nextCronTime, parseCron } from '@tributary/workflows';
import type { ScheduleDto } from './connection.dto.js';

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The stored schedule, or the problems with the request's `schedule` (paths under /schedule). */
export function toSchedule(dto: ScheduleDto | undefined): { schedule: ConnectionSchedule } | { errors: FieldError[] } {
  if (!dto || dto.scheduleType === 'manual') return { schedule: { type: 'manual' } };
  if (dto.scheduleType === 'basic') return { schedule: { type: 'basic', units: dto.units!, timeUnit: dto.timeUnit! } };
  const timeZone = dto.timeZone ?? 'UTC';
  const errors: FieldError[] = [];
  if (!isTimeZone(timeZone)) errors.push({ path: '/schedule/timeZone', message: 'is not an IANA time zone' });
  try {
    // the same parser the connection workflow schedules with, so what is accepted here runs there
    const cron = parseCron(dto.cronExpression!);
    if (errors.length === 0 && nextCronTime(cron, timeZone, Date.now()) === undefined) {
      errors.push({ path: '/schedule/cronExpression', message: 'never fires' });
    }
  } catch (error) {
    errors.push({ path: '/schedule/cronExpression', message: error instanceof Error ? error.message : 'is not a cron expression' });
  }
  return errors.length > 0 ? { errors } : { schedule: { type: 'cron', cronExpression: dto.cronExpression!, timeZone } };
}

export function toScheduleDto(schedule: ConnectionSchedule): ScheduleDto {
  switch (schedule.type) {
    case 'manual':
      return { scheduleType: 'manual' };
    case 'basic':
      return { scheduleType: 'basic', units: schedule.units, timeUnit: schedule.timeUnit };
    case 'cron':
      return { scheduleType: 'cron', cronExpression: schedule.cronExpression, timeZone: schedule.timeZone };
  }
}
