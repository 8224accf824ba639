import { calendarSchema, compileCalendar } from '../../../src/policy/calendar.js';
import { at, plus } from './builders.js';

const calendar = (input: Record<string, unknown>) =>
  compileCalendar('retail', calendarSchema.parse(input));
const berlin = (input: Record<string, unknown>) =>
  calendar({ timeZone: 'Europe/Berlin', ...input });
const newYork = (input: Record<string, unknown>) =>
  calendar({ timeZone: 'America/New_York', ...input });
const iso = (d: Date | undefined) => d?.toISOString();
const bounds = (hit: { from: Date; to: Date } | null) => hit && [iso(hit.from), iso(hit.to)];

const yearEnd = berlin({
  periods: [{ from: '2026-12-18', to: '2027-01-04', reason: 'Year-end freeze' }],
});
const blackFriday = berlin({
  periods: [{ from: '2026-11-27T18:00', to: '2026-11-30T06:00', reason: 'Black Friday' }],
});
const monthEnd = (n: number, holidays: string[] = [], zone = 'Europe/Berlin') =>
  calendar({ timeZone: zone, holidays, recurring: [{ lastBusinessDays: n, reason: 'Close' }] });
const weekend = berlin({ recurring: [{ weekly: { days: ['sat', 'sun'] }, reason: 'Weekend' }] });

describe('freeze calendar: dated periods', () => {
  it('describes a whole-day period with its dates and time zone', () => {
    expect(yearEnd.at(at('2026-12-24T12:00:00Z'))).toEqual({
      calendar: 'retail',
      period: 'Year-end freeze (2026-12-18 to 2027-01-04, Europe/Berlin)',
      from: at('2026-12-17T23:00:00Z'),
      to: at('2027-01-04T23:00:00Z'),
    });
  });

  it.each([
    ['1 ms before local 00:00 of the first day', '2026-12-17T22:59:59.999Z', false],
    ['at local 00:00 of the first day', '2026-12-17T23:00:00.000Z', true],
    ['1 ms before local 24:00 of the last day', '2027-01-04T22:59:59.999Z', true],
    ['at local 24:00 of the last day (exclusive end)', '2027-01-04T23:00:00.000Z', false],
  ])('whole days: %s', (_name, when, frozen) => {
    expect(yearEnd.at(at(when)) !== null).toBe(frozen);
  });

  it.each([
    ['1 ms before the start', '2026-11-27T16:59:59.999Z', false],
    ['at the start', '2026-11-27T17:00:00.000Z', true],
    ['within the last minute, which `to` includes', '2026-11-30T05:00:59.999Z', true],
    ['one minute after `to`', '2026-11-30T05:01:00.000Z', false],
  ])('local date-times: %s', (_name, when, frozen) => {
    expect(blackFriday.at(at(when)) !== null).toBe(frozen);
  });

  it.each([
    // Berlin leaves summer time on 2026-10-25 (03:00 CEST → 02:00 CET): that day has 25 h.
    [
      'Berlin, ending on the autumn change day',
      berlin,
      '2026-10-20',
      '2026-10-25',
      '2026-10-19T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
    ],
    // Berlin starts summer time on 2026-03-29 (02:00 CET → 03:00 CEST): that day has 23 h.
    [
      'Berlin, ending the day before the spring change',
      berlin,
      '2026-03-27',
      '2026-03-28',
      '2026-03-26T23:00:00.000Z',
      '2026-03-28T23:00:00.000Z',
    ],
    [
      'Berlin, ending on the spring change day',
      berlin,
      '2026-03-29',
      '2026-03-29',
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ],
    [
      'Berlin, a skipped local time moves forward',
      berlin,
      '2026-03-29T02:30',
      '2026-03-29T04:00',
      '2026-03-29T01:30:00.000Z',
      '2026-03-29T02:01:00.000Z',
    ],
    // New York leaves daylight time on 2026-11-01 (02:00 EDT → 01:00 EST).
    [
      'New York, ending on the autumn change day',
      newYork,
      '2026-10-30',
      '2026-11-01',
      '2026-10-30T04:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
    ],
    // New York starts daylight time on 2026-03-08 (02:00 EST → 03:00 EDT).
    [
      'New York, ending at local midnight before the spring change',
      newYork,
      '2026-03-07',
      '2026-03-07',
      '2026-03-07T05:00:00.000Z',
      '2026-03-08T05:00:00.000Z',
    ],
    [
      'New York, the spring change day itself',
      newYork,
      '2026-03-08',
      '2026-03-08',
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
    ],
  ])('DST: %s', (_name, make, from, to, utcFrom, utcTo) => {
    const cal = make({ periods: [{ from, to, reason: 'Freeze' }] });
    const hit = cal.overlapping(at('2026-01-01T00:00:00Z'), at('2026-12-31T00:00:00Z'));
    expect(bounds(hit)).toEqual([utcFrom, utcTo]);
    expect(cal.at(plus(at(utcTo), -1))).not.toBeNull();
    expect(cal.at(at(utcTo))).toBeNull();
  });
});

describe('freeze calendar: overlapping ranges', () => {
  const start = at('2026-12-17T23:00:00.000Z');
  const end = at('2027-01-04T23:00:00.000Z');
  it.each([
    ['a range ending exactly at the start (inclusive)', at('2026-12-01T00:00:00Z'), start, true],
    ['a range ending 1 ms before the start', at('2026-12-01T00:00:00Z'), plus(start, -1), false],
    [
      'a range starting 1 ms before the exclusive end',
      plus(end, -1),
      at('2027-02-01T00:00:00Z'),
      true,
    ],
    ['a range starting at the exclusive end', end, at('2027-02-01T00:00:00Z'), false],
    [
      'a range spanning the whole period',
      at('2026-01-01T00:00:00Z'),
      at('2030-01-01T00:00:00Z'),
      true,
    ],
    ['a reversed range', at('2027-02-01T00:00:00Z'), at('2026-12-01T00:00:00Z'), true],
  ])('%s', (_name, from, to, frozen) => {
    expect(yearEnd.overlapping(from, to) !== null).toBe(frozen);
  });

  it('returns the earliest-starting period over a range of many years', () => {
    const cal = berlin({
      periods: [{ from: '2028-06-01', to: '2028-06-02', reason: 'Migration' }],
      recurring: [{ lastBusinessDays: 2, reason: 'Close' }],
    });
    const hit = cal.overlapping(at('2027-03-01T00:00:00Z'), at('2036-01-01T00:00:00Z'));
    expect(hit?.period).toBe('Close (last 2 business days of March 2027)');
    expect(cal.overlapping(at('2028-06-01T12:00:00Z'), at('2036-01-01T00:00:00Z'))?.period).toBe(
      'Migration (2028-06-01 to 2028-06-02, Europe/Berlin)',
    );
  });
});

describe('freeze calendar: last business days of the month', () => {
  it.each([
    // November 2026 ends on a Monday: Thu 26, Fri 27 and Mon 30; the weekend between is frozen.
    [
      'a month ending on a Monday',
      monthEnd(3),
      '2026-11-15T12:00:00Z',
      'Close (last 3 business days of November 2026)',
      '2026-11-25T23:00:00.000Z',
      '2026-11-30T23:00:00.000Z',
    ],
    // October 2026 ends on a Saturday: Wed 28 to Fri 30; the closing weekend is not frozen.
    [
      'a month ending on a Saturday',
      monthEnd(3),
      '2026-10-15T12:00:00Z',
      'Close (last 3 business days of October 2026)',
      '2026-10-27T23:00:00.000Z',
      '2026-10-30T23:00:00.000Z',
    ],
    // January 2027 ends on a Sunday: Wed 27 to Fri 29.
    [
      'a month ending on a Sunday',
      monthEnd(3),
      '2027-01-15T12:00:00Z',
      'Close (last 3 business days of January 2027)',
      '2027-01-26T23:00:00.000Z',
      '2027-01-29T23:00:00.000Z',
    ],
    [
      'a holiday on the last day',
      monthEnd(3, ['2026-12-31']),
      '2026-12-15T12:00:00Z',
      'Close (last 3 business days of December 2026)',
      '2026-12-27T23:00:00.000Z',
      '2026-12-30T23:00:00.000Z',
    ],
    [
      'a holiday in the middle stays inside the span',
      monthEnd(3, ['2026-11-27']),
      '2026-11-15T12:00:00Z',
      'Close (last 3 business days of November 2026)',
      '2026-11-24T23:00:00.000Z',
      '2026-11-30T23:00:00.000Z',
    ],
    [
      'one day',
      monthEnd(1),
      '2026-11-15T12:00:00Z',
      'Close (last business day of November 2026)',
      '2026-11-29T23:00:00.000Z',
      '2026-11-30T23:00:00.000Z',
    ],
    // New York, March 2026 (daylight time since 03-08): Fri 27, Mon 30, Tue 31 in EDT.
    [
      'New York after the spring change',
      monthEnd(3, [], 'America/New_York'),
      '2026-03-15T12:00:00Z',
      'Close (last 3 business days of March 2026)',
      '2026-03-27T04:00:00.000Z',
      '2026-04-01T04:00:00.000Z',
    ],
  ])('%s', (_name, cal, from, period, utcFrom, utcTo) => {
    const hit = cal.overlapping(at(from), at('2027-12-31T00:00:00Z'));
    expect([hit?.period, ...(bounds(hit) ?? [])]).toEqual([period, utcFrom, utcTo]);
    expect(cal.at(plus(at(utcFrom), -1))).toBeNull();
    expect(cal.at(at(utcFrom))?.period).toBe(period);
    expect(cal.at(plus(at(utcTo), -1))?.period).toBe(period);
    expect(cal.at(at(utcTo))).toBeNull();
  });

  it('leaves the holiday itself unfrozen when it ends the month', () => {
    expect(monthEnd(3, ['2026-12-31']).at(at('2026-12-31T12:00:00Z'))).toBeNull();
  });
});

describe('freeze calendar: weekly periods', () => {
  it('merges a whole Saturday and Sunday into one weekend, also across a DST change', () => {
    expect(bounds(weekend.at(at('2026-11-08T12:00:00Z')))).toEqual([
      '2026-11-06T23:00:00.000Z',
      '2026-11-08T23:00:00.000Z',
    ]);
    // 24–25 October 2026: Saturday in CEST, Sunday 25 h long, Monday starts in CET.
    expect(bounds(weekend.at(at('2026-10-24T00:00:00Z')))).toEqual([
      '2026-10-23T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
    ]);
    expect(weekend.at(at('2026-11-06T22:59:59.999Z'))).toBeNull();
    expect(weekend.at(at('2026-11-08T23:00:00.000Z'))).toBeNull();
    expect(weekend.at(at('2026-11-07T10:00:00Z'))?.period).toBe(
      'Weekend (every Saturday and Sunday, Europe/Berlin)',
    );
  });

  const friday = newYork({
    recurring: [{ weekly: { days: ['fri'], from: '18:00', to: '23:59' }, reason: 'Friday' }],
  });
  it.each([
    ['1 ms before 18:00 EST', '2026-11-06T22:59:59.999Z', false],
    ['at 18:00 EST', '2026-11-06T23:00:00.000Z', true],
    ['in the 23:59 minute', '2026-11-07T04:59:59.999Z', true],
    ['at midnight', '2026-11-07T05:00:00.000Z', false],
    ['on a Thursday evening', '2026-11-05T23:30:00.000Z', false],
  ])('a Friday evening in New York: %s', (_name, when, frozen) => {
    expect(friday.at(at(when)) !== null).toBe(frozen);
  });

  it('names the days and times and runs a window past midnight', () => {
    const night = berlin({
      recurring: [{ weekly: { days: ['fri'], from: '22:00', to: '06:00' }, reason: 'Night' }],
    });
    const hit = night.at(at('2026-11-07T04:00:00Z'));
    expect(hit?.period).toBe('Night (every Friday 22:00–06:00, Europe/Berlin)');
    expect(bounds(hit)).toEqual(['2026-11-06T21:00:00.000Z', '2026-11-07T05:01:00.000Z']);
  });

  it('has only two real hours in a 01:00–03:59 window on the New York spring change day', () => {
    const sunday = newYork({
      recurring: [{ weekly: { days: ['sun'], from: '01:00', to: '03:59' }, reason: 'Batch' }],
    });
    expect(bounds(sunday.at(at('2026-03-08T07:00:00Z')))).toEqual([
      '2026-03-08T06:00:00.000Z',
      '2026-03-08T08:00:00.000Z',
    ]);
  });
});

describe('freeze calendar: configuration', () => {
  const issues = (input: Record<string, unknown>) =>
    calendarSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const ok = { timeZone: 'Europe/Berlin' };
  it.each([
    [
      'an unknown time zone',
      { timeZone: 'Europe/Berlinn' },
      'timeZone: unknown time zone "Europe/Berlinn"; write an IANA name such as Europe/Berlin or America/New_York',
    ],
    [
      'a period ending before it starts',
      { ...ok, periods: [{ from: '2026-12-20', to: '2026-12-18', reason: 'X' }] },
      'periods.0.to: period starts (2026-12-20) after it ends (2026-12-18); write the earlier moment as "from"',
    ],
    [
      'an impossible date',
      { ...ok, periods: [{ from: '2026-02-30', to: '2026-03-01', reason: 'X' }] },
      "periods.0.from: write a local date as YYYY-MM-DD or a local date-time as YYYY-MM-DDTHH:mm, e.g. '2026-11-27T18:00'",
    ],
    [
      'a date-time with a zone',
      { ...ok, periods: [{ from: '2026-03-01T10:00Z', to: '2026-03-02', reason: 'X' }] },
      "periods.0.from: write a local date as YYYY-MM-DD or a local date-time as YYYY-MM-DDTHH:mm, e.g. '2026-11-27T18:00'",
    ],
    [
      'an empty reason',
      { ...ok, periods: [{ from: '2026-03-01', to: '2026-03-02', reason: ' ' }] },
      'periods.0.reason: give the freeze a reason, e.g. "Year-end freeze"',
    ],
    [
      'an unknown key',
      { ...ok, periods: [{ from: '2026-03-01', to: '2026-03-02', reason: 'X', until: 'x' }] },
      'periods.0: Unrecognized key: "until"',
    ],
    [
      'neither kind of recurring entry',
      { ...ok, recurring: [{ reason: 'X' }] },
      'recurring.0: write exactly one of lastBusinessDays: 3 or weekly: { days: [sat, sun] } in each recurring entry',
    ],
    [
      'zero business days',
      { ...ok, recurring: [{ lastBusinessDays: 0, reason: 'X' }] },
      'recurring.0.lastBusinessDays: lastBusinessDays must be at least 1',
    ],
    [
      'an unknown day',
      { ...ok, recurring: [{ weekly: { days: ['saturday'] }, reason: 'X' }] },
      'recurring.0.weekly.days.0: write days as mon, tue, wed, thu, fri, sat, sun',
    ],
    [
      'a weekly from without to',
      { ...ok, recurring: [{ weekly: { days: ['fri'], from: '18:00' }, reason: 'X' }] },
      "recurring.0.weekly.to: give both from and to (e.g. from: '18:00', to: '23:59') or neither for whole days",
    ],
    [
      'a weekly time past 23:59',
      {
        ...ok,
        recurring: [{ weekly: { days: ['fri'], from: '18:00', to: '24:00' }, reason: 'X' }],
      },
      "recurring.0.weekly.to: write a local time as HH:mm, e.g. '18:00'",
    ],
    [
      'a holiday in another format',
      { ...ok, holidays: ['25.12.2026'] },
      'holidays.0: write a local date as YYYY-MM-DD, e.g. 2026-12-24',
    ],
  ])('explains %s', (_name, input, message) => {
    expect(issues(input)).toEqual([message]);
  });

  it('accepts the documented example with defaults for omitted lists', () => {
    expect(calendarSchema.parse(ok)).toEqual({ ...ok, periods: [], recurring: [], holidays: [] });
  });

  it('refuses to compile an unknown time zone that bypassed validation', () => {
    expect(() =>
      compileCalendar('x', { timeZone: 'Mars/Olympus', periods: [], recurring: [], holidays: [] }),
    ).toThrow('[policy] calendar "x": unknown time zone "Mars/Olympus"');
  });
});
