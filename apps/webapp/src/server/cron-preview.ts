'use server';

import { nextCronTime, parseCron } from '@tributary/workflows';
import { currentSession } from './session';

export type CronPreview = { runs: string[] } | { error: string };

/**
 * The next runs of a cron schedule, computed with the very parser the connection workflow
 * schedules with (libs/workflows), so the preview is what will happen.
 */
export async function previewCron(expression: string, timeZone: string, count = 3): Promise<CronPreview> {
  if (!(await currentSession())) return { error: 'sign in again' };
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return { error: `${timeZone} is not an IANA time zone` };
  }
  try {
    const cron = parseCron(expression);
    const runs: string[] = [];
    let after = Date.now();
    while (runs.length < count) {
      const next = nextCronTime(cron, timeZone, after);
      if (next === undefined) break;
      runs.push(new Date(next).toISOString());
      after = next;
    }
    return runs.length > 0 ? { runs } : { error: 'never fires' };
  } catch (error) {
    return { error: error instanceof Error ? error.message : 'not a cron expression' };
  }
}
