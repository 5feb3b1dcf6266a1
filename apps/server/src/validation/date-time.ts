/**
 * An RFC 3339 date-time, as the OpenAPI `format: date-time` promises: any year 0000-9999, any
 * offset up to ±23:59, a leap second; the day must exist in its month (Postgres refuses Feb 30).
 * class-validator's strict ISO 8601 check refuses valid ones (e.g. year 0006 with an offset).
 */
import { ValidateBy, type ValidationOptions } from 'class-validator';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

export function isRfc3339DateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = RFC3339.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= daysInMonth;
}

export function IsDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isDateTime', validator: { validate: isRfc3339DateTime, defaultMessage: (args) => `${args?.property ?? 'value'} must be an RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z` } },
    options,
  );
}

/** The instant of a valid RFC 3339 date-time; a leap second (:60), which Date cannot hold, is its second's last instant. */
export function dateTimeValue(value: string): Date {
  const leap = /:60(?=(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)/.test(value);
  const date = new Date(leap ? value.replace(/:60((\.\d+)?)(?=([Zz]|[+-]\d{2}:\d{2})$)/, ':59') : value);
  return leap ? new Date(date.getTime() + 999 - date.getUTCMilliseconds()) : date;
}
