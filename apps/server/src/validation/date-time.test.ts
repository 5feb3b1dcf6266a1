import { describe, expect, it } from 'vitest';
import { dateTimeValue, isRfc3339DateTime } from './date-time.js';

describe('RFC 3339 date-times', () => {
  it.each(['2026-12-03T20:22:21.824Z', '0006-07-11T09:54:03+16:16', '2024-02-29T00:00:00-23:59', '2016-12-31T23:59:60Z', '2026-01-01t00:00:00z'])('accepts %s', (value) => {
    expect(isRfc3339DateTime(value)).toBe(true);
  });
  it.each(['2026-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:00:00', '2026-01-01', 'yesterday', '2026-01-01T00:00:00+24:00'])(
    'refuses %s',
    (value) => {
      expect(isRfc3339DateTime(value)).toBe(false);
    },
  );

  it('reads a leap second as the last instant of its second, and any other value as Date does', () => {
    expect(dateTimeValue('2016-12-31T23:59:60Z').toISOString()).toBe('2016-12-31T23:59:59.999Z');
    expect(dateTimeValue('2016-12-31T23:59:60.5+01:00').toISOString()).toBe('2016-12-31T22:59:59.999Z');
    expect(dateTimeValue('0006-07-11T09:54:03+16:16').toISOString()).toBe('0006-07-10T17:38:03.000Z');
  });
});
