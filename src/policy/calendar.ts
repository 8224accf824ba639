import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * Freeze calendars (DESIGN §6 `freeze-window`): dated periods and recurring periods, each
 * read in the calendar's own time zone, with luxon doing the DST-correct arithmetic.
 *
 * Bounds: `from` starts the freeze; `to` is inclusive at the precision it is written in, so
 * a date freezes that whole local day and a time (`HH:mm`) freezes that whole minute (an
 * administrator's "to 23:59" leaves no gap before midnight). A FreezeHit's `to` is the
 * exclusive end: the first instant no longer frozen (for a date, local 00:00 of the next day).
 * Local times that a DST change skips are moved forward by the gap (luxon's rule).
 */
export interface FreezeHit {
  calendar: string;
  /** Human description of the period, e.g. "Q4 retail freeze" or "last 3 business days of November 2026". */
  period: string;
  /** The period's bounds as UTC instants. */
  from: Date;
  to: Date;
}

export interface FreezeCalendar {
  name: string;
  timeZone: string;
  /** The first freeze period that contains `at`, or null. */
  at(at: Date): FreezeHit | null;
  /** The first freeze period that overlaps [from, to] (inclusive), or null. */
  overlapping(from: Date, to: Date): FreezeHit | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const validLocal = (s: string): boolean =>
  (DATE.test(s) || DATE_TIME.test(s)) && DateTime.fromISO(s, { zone: 'utc' }).isValid;

const localDate = z
  .string()
  .refine(
    (s) => DATE.test(s) && validLocal(s),
    'write a local date as YYYY-MM-DD, e.g. 2026-12-24',
  );
const localDateOrTime = z
  .string()
  .refine(
    validLocal,
    "write a local date as YYYY-MM-DD or a local date-time as YYYY-MM-DDTHH:mm, e.g. '2026-11-27T18:00'",
  );
const localTime = z.string().regex(TIME, "write a local time as HH:mm, e.g. '18:00'");
const reason = z.string().trim().min(1, 'give the freeze a reason, e.g. "Year-end freeze"');

/** "2026-12-18" → "2026-12-18T00:00", "to" dates → "T23:59", so periods compare as text. */
const startKey = (s: string) => (DATE.test(s) ? `${s}T00:00` : s);
const endKey = (s: string) => (DATE.test(s) ? `${s}T23:59` : s);

const period = z
  .strictObject({ from: localDateOrTime, to: localDateOrTime, reason })
  .refine((p) => !validLocal(p.from) || !validLocal(p.to) || startKey(p.from) <= endKey(p.to), {
    error: (iss) => {
      const p = iss.input as { from: string; to: string };
      return `period starts (${p.from}) after it ends (${p.to}); write the earlier moment as "from"`;
    },
    path: ['to'],
  });

const weekly = z
  .strictObject({
    days: z
      .array(z.enum(DAYS, { error: `write days as ${DAYS.join(', ')}` }))
      .min(1, 'list at least one day, e.g. [sat, sun]'),
    from: localTime.optional(),
    to: localTime.optional(),
  })
  .refine((w) => (w.from === undefined) === (w.to === undefined), {
    error: "give both from and to (e.g. from: '18:00', to: '23:59') or neither for whole days",
    path: ['to'],
  });

const recurring = z
  .strictObject({
    lastBusinessDays: z
      .number()
      .int('lastBusinessDays must be a whole number of days')
      .min(1, 'lastBusinessDays must be at least 1')
      .max(10, 'lastBusinessDays must be at most 10')
      .optional(),
    weekly: weekly.optional(),
    reason,
  })
  .refine((r) => (r.lastBusinessDays === undefined) !== (r.weekly === undefined), {
    error:
      'write exactly one of lastBusinessDays: 3 or weekly: { days: [sat, sun] } in each recurring entry',
  });

/** One calendar as an administrator writes it in YAML configuration. */
export const calendarSchema = z.strictObject({
  timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), {
    error: (iss) =>
      `unknown time zone ${JSON.stringify(iss.input)}; write an IANA name such as Europe/Berlin or America/New_York`,
  }),
  periods: z.array(period).default([]),
  recurring: z.array(recurring).default([]),
  /** Local dates that are not business days (for `lastBusinessDays`). */
  holidays: z.array(localDate).default([]),
});
export type CalendarConfig = z.output<typeof calendarSchema>;

/** A freeze occurrence in local time; `to` exclusive. */
interface Span {
  from: DateTime;
  to: DateTime;
  period: string;
}
/** The first occurrence of one configured entry that overlaps [a, b], or null. */
type Finder = (a: DateTime, b: DateTime) => Span | null;

const overlaps = (s: Span, a: DateTime, b: DateTime) => +s.from <= +b && +s.to > +a;
const atTime = (day: DateTime, hhmm: string) =>
  day.set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)) });
const pretty = (s: string) => s.replace('T', ' ');

function datedFinder(p: CalendarConfig['periods'][number], zone: string): Finder {
  const from = DateTime.fromISO(p.from, { zone }); // a bare date reads as local 00:00
  const to = DATE.test(p.to)
    ? DateTime.fromISO(p.to, { zone }).plus({ days: 1 }).startOf('day')
    : DateTime.fromISO(p.to, { zone }).plus({ minutes: 1 });
  const span = { from, to, period: `${p.reason} (${pretty(p.from)} to ${pretty(p.to)}, ${zone})` };
  return (a, b) => (overlaps(span, a, b) ? span : null);
}

/** Whole local days from the first to the last of the month's last N business days. */
function monthEndFinder(n: number, holidays: ReadonlySet<string>, why: string): Finder {
  const what = n === 1 ? 'last business day' : `last ${n} business days`;
  const monthEnd = (month: DateTime): Span | null => {
    let first: DateTime | null = null;
    let last: DateTime | null = null;
    let found = 0;
    for (let d = month.endOf('month').startOf('day'); found < n && d.month === month.month;) {
      if (d.weekday <= 5 && !holidays.has(d.toISODate() ?? '')) {
        last ??= d;
        first = d;
        found += 1;
      }
      d = d.minus({ days: 1 }).startOf('day');
    }
    if (!first || !last) return null;
    const label = month.setLocale('en').toFormat('LLLL yyyy');
    return {
      from: first,
      to: last.plus({ days: 1 }).startOf('day'),
      period: `${why} (${what} of ${label})`,
    };
  };
  // An occurrence never leaves its month, so months before `a`'s cannot overlap.
  return (a, b) => {
    for (let m = a.startOf('month'); +m <= +b; m = m.plus({ months: 1 })) {
      const span = monthEnd(m);
      if (span && overlaps(span, a, b)) return span;
    }
    return null;
  };
}

/**
 * Weekly windows; consecutive ones (a whole Saturday then a whole Sunday) merge into one
 * period. A `to` earlier than `from` runs past midnight into the next day. A run that never
 * ends (every day, all day) is reported clamped to the week around the range asked about.
 */
function weeklyFinder(
  w: NonNullable<CalendarConfig['recurring'][number]['weekly']>,
  zone: string,
  why: string,
): Finder {
  const days = new Set(w.days.map((d) => DAYS.indexOf(d) + 1));
  const when = w.from && w.to ? ` ${w.from}–${w.to}` : '';
  const names = [...days].sort((x, y) => x - y).map((d) => DAY_NAMES[d - 1] ?? '');
  const period = `${why} (every ${names.join(', ').replace(/, ([^,]*)$/, ' and $1')}${when}, ${zone})`;
  const windowOn = (day: DateTime): Span => {
    if (!w.from || !w.to) return { from: day, to: day.plus({ days: 1 }).startOf('day'), period };
    const end = w.to < w.from ? day.plus({ days: 1 }).startOf('day') : day;
    return { from: atTime(day, w.from), to: atTime(end, w.to).plus({ minutes: 1 }), period };
  };
  return (a, b) => {
    // Start a week early so that a run under way at `a` is found whole, and look a week
    // past `b` so that a run under way at `b` ends where it really ends.
    const last = b.startOf('day').plus({ days: 7 });
    let run: Span | null = null;
    let day = a.startOf('day').minus({ days: 7 });
    for (; +day <= +last; day = day.plus({ days: 1 }).startOf('day')) {
      if (!days.has(day.weekday)) continue;
      const next = windowOn(day); // a fresh object, so `run` may be extended in place
      if (run && +next.from <= +run.to) {
        if (+next.to > +run.to) run.to = next.to;
        continue;
      }
      if (run && overlaps(run, a, b)) return run;
      if (+next.from > +b) return null;
      run = next;
    }
    return run && overlaps(run, a, b) ? run : null;
  };
}

/**
 * Compile a validated calendar. `overlapping` returns the earliest-starting period that
 * overlaps the inclusive range (ties: configuration order); a reversed range is read the
 * other way round. Cost grows with months/days scanned until the first hit, never minutes.
 */
export function compileCalendar(name: string, input: CalendarConfig): FreezeCalendar {
  const zone = input.timeZone;
  if (!IANAZone.isValidZone(zone))
    throw new Error(`[policy] calendar "${name}": unknown time zone "${zone}"`);
  const holidays = new Set(input.holidays);
  const finders: Finder[] = [
    ...input.periods.map((p) => datedFinder(p, zone)),
    ...input.recurring.map((r) =>
      r.weekly
        ? weeklyFinder(r.weekly, zone, r.reason)
        : monthEndFinder(r.lastBusinessDays ?? 1, holidays, r.reason),
    ),
  ];
  const overlapping = (from: Date, to: Date): FreezeHit | null => {
    const [lo, hi] = from.getTime() <= to.getTime() ? [from, to] : [to, from];
    const a = DateTime.fromJSDate(lo, { zone });
    const b = DateTime.fromJSDate(hi, { zone });
    let best: Span | null = null;
    for (const find of finders) {
      const span = find(a, b);
      if (span && (!best || +span.from < +best.from)) best = span;
    }
    if (!best) return null;
    return {
      calendar: name,
      period: best.period,
      from: best.from.toJSDate(),
      to: best.to.toJSDate(),
    };
  };
  return { name, timeZone: zone, at: (t) => overlapping(t, t), overlapping };
}
