/**
 * Jira compares JQL dates at minute precision in the searching user's time zone, and
 * prints timestamps as `2021-01-18T23:45:00.000+0000`. These helpers are shared by the
 * connector (building JQL) and the simulator (parsing it), so both agree on one reading.
 */

interface Parts {
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
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Z']);

function partsIn(date: Date, timeZone: string): Parts {
  if (UTC_NAMES.has(timeZone)) {
    // Intl's formatToParts is slow; UTC needs none of it.
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    };
  }
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(date)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year ?? 0,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: out.hour ?? 0,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** Offset of `timeZone` from UTC at `date`, in minutes (e.g. +330 for Asia/Kolkata). */
export function offsetMinutes(date: Date, timeZone: string): number {
  const p = partsIn(date, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const whole = Math.floor(date.getTime() / 1000) * 1000;
  return Math.round((asUtc - whole) / 60_000);
}

/** Throws a RangeError for a name Intl does not know. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `yyyy/MM/dd HH:mm` in `timeZone`, truncated to the minute: the JQL date literal. */
export function formatJqlDate(date: Date, timeZone: string): string {
  const p = partsIn(date, timeZone);
  return `${p.year}/${pad(p.month)}/${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** The instant a wall-clock time in `timeZone` denotes (DST gaps resolve forwards). */
export function wallClockToDate(p: Omit<Parts, 'second'>, timeZone: string): Date {
  const guess = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  const first = guess - offsetMinutes(new Date(guess), timeZone) * 60_000;
  // Re-check at the candidate instant: the offset may differ across a DST change.
  return new Date(guess - offsetMinutes(new Date(first), timeZone) * 60_000);
}

/** Jira's timestamp format: `2021-01-18T23:45:00.000+0000`, in `timeZone`. */
export function formatJiraTimestamp(date: Date, timeZone = 'UTC'): string {
  const offset = offsetMinutes(date, timeZone);
  const local = new Date(date.getTime() + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const iso = local.toISOString().slice(0, 23);
  return `${iso}${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** Parses Jira's `…+0000` (no colon) and ISO forms; NaN-dated input returns null. */
export function parseJiraTimestamp(value: string): Date | null {
  const fixed = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(fixed);
  return Number.isNaN(date.getTime()) ? null : date;
}
