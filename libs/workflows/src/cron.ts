/**
 * Cron expressions evaluated in a time zone, without dependencies: runs inside the workflow
 * sandbox (deterministic given `now`) and in the server, which validates schedules with it.
 * 5 fields (min hour dom month dow; dow 0-7, 0 and 7 = Sunday) or Quartz style with
 * seconds first and an optional year (dow 1-7, 1 = Sunday; `?` = `*`). Not supported: L W #.
 */

export interface CronExpression {
  seconds: number[];
  minutes: number[];
  hours: number[];
  daysOfMonth: Set<number>;
  months: Set<number>;
  /** 0 = Sunday */
  daysOfWeek: Set<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export class CronError extends Error {
  override name = 'CronError';
}

function parseField(text: string, min: number, max: number, what: string, names: string[] = [], nameBase = 0): number[] {
  const values = new Set<number>();
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const n = named >= 0 ? named + nameBase : /^\d+$/.test(token) ? Number(token) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new CronError(`cron ${what}: ${JSON.stringify(token)} is not in ${min}-${max}`);
    return n;
  };
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronError(`cron ${what}: bad step in ${JSON.stringify(part)}`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') [lo, hi] = [min, max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [lo, hi] = [value(a), value(b)];
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : max;
    }
    if (lo > hi) throw new CronError(`cron ${what}: empty range ${JSON.stringify(part)}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

export function parseCron(expression: string): CronExpression {
  const fields = expression.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 7) throw new CronError(`cron: expected 5, 6 or 7 fields, got ${fields.length}`);
  const quartz = fields.length > 5;
  if (fields.length === 7 && fields[6] !== '*' && fields[6] !== '?')
    throw new CronError('cron: a year field other than * is not supported');
  if (
    fields.some((f) =>
      /[LW#]/i.test(f.replace(/[A-Z]{3}/gi, (m) => (DAYS.includes(m.toUpperCase()) || MONTHS.includes(m.toUpperCase()) ? '0' : m))),
    )
  )
    throw new CronError('cron: L, W and # are not supported');
  const [sec, min, hour, dom, mon, dow] = quartz ? fields : ['0', ...fields];
  const daysOfWeek = quartz
    ? parseField(dow!, 1, 7, 'day of week', DAYS, 1).map((d) => d - 1)
    : parseField(dow!, 0, 7, 'day of week', DAYS, 0).map((d) => d % 7);
  return {
    seconds: parseField(sec!, 0, 59, 'seconds'),
    minutes: parseField(min!, 0, 59, 'minutes'),
    hours: parseField(hour!, 0, 23, 'hours'),
    daysOfMonth: new Set(parseField(dom!, 1, 31, 'day of month')),
    months: new Set(parseField(mon!, 1, 12, 'month', MONTHS, 1)),
    daysOfWeek: new Set(daysOfWeek),
    domRestricted: dom !== '*' && dom !== '?',
    dowRestricted: dow !== '*' && dow !== '?',
  };
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new CronError(`unknown time zone ${JSON.stringify(timeZone)}`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

function wallTime(ms: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

const wallAsUtc = (w: WallTime): number => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** The instant a wall-clock time happens in `timeZone`; undefined inside a DST gap. */
function instantOf(w: WallTime, timeZone: string): number | undefined {
  const guess = wallAsUtc(w);
  for (const probe of [guess, guess - 3 * 3600_000, guess + 3 * 3600_000]) {
    const t = guess - (wallAsUtc(wallTime(probe, timeZone)) - Math.floor(probe / 1000) * 1000);
    if (wallAsUtc(wallTime(t, timeZone)) === guess) return t;
  }
  return undefined;
}

/** First instant strictly after `after` (epoch ms) matching the expression in `timeZone`; undefined if none within 5 years. */
export function nextCronTime(cron: CronExpression, timeZone: string, after: number): number | undefined {
  const start = wallTime(after, timeZone);
  const startKey = start.hour * 3600 + start.minute * 60 + start.second;
  for (let i = 0; i < 366 * 5; i++) {
    const date = new Date(Date.UTC(start.year, start.month - 1, start.day + i));
    const [year, month, day, weekday] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCDay()];
    if (!cron.months.has(month)) continue;
    const domOk = cron.daysOfMonth.has(day);
    const dowOk = cron.daysOfWeek.has(weekday);
    // classic cron: when both are restricted, either matches
    const dayOk = cron.domRestricted && cron.dowRestricted ? domOk || dowOk : domOk && dowOk;
    if (!dayOk) continue;
    for (const hour of cron.hours) {
      for (const minute of cron.minutes) {
        for (const second of cron.seconds) {
          // on the first day, skip times already past (an hour is allowed for DST folds)
          if (i === 0 && hour * 3600 + minute * 60 + second < startKey - 3600) continue;
          const t = instantOf({ year, month, day, hour, minute, second }, timeZone);
          if (t !== undefined && t > after) return t;
        }
      }
    }
  }
  return undefined;
}
