/**
 * Dates without a date library: ServiceNow `2015-07-06 18:59:27` (UTC unless the instance
 * says otherwise), Jira `2021-01-18T23:45:00.000+0000`, GitLab `2021-04-28 21:50:00 +0200`,
 * ISO 8601, epoch seconds/millis. One fixed, anchored, backtracking-free pattern.
 */
export const DATE_FORMATS = [
  'iso',
  'servicenow',
  'jira',
  'gitlab',
  'epoch_seconds',
  'epoch_millis',
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)? ?(Z|UTC|[+-]\d{2}:?\d{2})?$/;

export class DateError extends Error {}

type OffsetFn = (utcMillis: number) => number;

const UTC: OffsetFn = () => 0;

/** Offset (ms, local − UTC) of an IANA zone at an instant; throws RangeError for bad zones. */
export function zoneOffset(zone: string): OffsetFn {
  if (zone === 'UTC' || zone === 'Etc/UTC') return UTC;
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (t) => {
    const parts: Record<string, number> = {};
    for (const p of fmt.formatToParts(new Date(t))) parts[p.type] = Number(p.value);
    const local = Date.UTC(
      parts.year ?? 0,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    );
    return local - (t - (t % 1000));
  };
}

function fromLocal(localMillis: number, offset: OffsetFn): number {
  const first = localMillis - offset(localMillis);
  const second = localMillis - offset(first);
  return second;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS[month - 1] ?? 31);
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const two = (s: string, i: number) => {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};

/**
 * Fast path for the commonest stamp, `YYYY-MM-DD HH:mm:ss` (every ServiceNow date): local
 * millis, or -1 to fall back to the general pattern. Mapping 100k records parses 300k dates.
 */
function fixedWidth(s: string): number {
  const c = s.charCodeAt(10);
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (c !== 32 && c !== 84)) return -1;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return -1;
  const hi = two(s, 0);
  const lo = two(s, 2);
  const mo = two(s, 5);
  const d = two(s, 8);
  const h = two(s, 11);
  const mi = two(s, 14);
  const sec = two(s, 17);
  if (
    hi < 0 ||
    lo < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    sec < 0 ||
    sec > 59
  )
    return -1;
  const y = hi * 100 + lo;
  if (d > daysIn(y, mo)) return -1;
  return Date.UTC(y, mo - 1, d, h, mi, sec);
}

export function parseDate(value: unknown, format: DateFormat, offset: OffsetFn = UTC): Date {
  if (format === 'epoch_seconds' || format === 'epoch_millis') {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n)) throw new DateError(`"${String(value)}" is not an epoch number`);
    return new Date(format === 'epoch_seconds' ? n * 1000 : n);
  }
  if (typeof value !== 'string') throw new DateError(`expected a date string, got ${typeof value}`);
  const fast = value.length === 19 ? fixedWidth(value) : -1;
  if (fast >= 0) return new Date(offset === UTC ? fast : fromLocal(fast, offset));
  const m = TEXT.exec(value.trim());
  if (!m) throw new DateError(`"${value}" is not a ${format} date`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const local = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
    ms,
  );
  // Date.UTC rolls 2026-13-45 over into 2027; a wrong date must fail, not shift.
  const month = Number(mo);
  if (
    month < 1 ||
    month > 12 ||
    Number(d) < 1 ||
    Number(d) > daysIn(Number(y), month) ||
    Number(h ?? 0) > 23 ||
    Number(mi ?? 0) > 59 ||
    Number(s ?? 0) > 59
  ) {
    throw new DateError(`"${value}" is not a valid date`);
  }
  let t: number;
  if (zone === undefined) t = fromLocal(local, offset);
  else if (zone === 'Z' || zone === 'UTC') t = local;
  else {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t = local - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const date = new Date(t);
  if (Number.isNaN(date.getTime())) throw new DateError(`"${value}" is not a valid date`);
  return date;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Reverse of parseDate, in the target's own notation (what its API accepts). */
export function formatDate(
  date: Date,
  format: DateFormat,
  offset: OffsetFn = UTC,
): string | number {
  switch (format) {
    case 'epoch_seconds':
      return Math.floor(date.getTime() / 1000);
    case 'epoch_millis':
      return date.getTime();
    case 'servicenow': {
      const l = new Date(date.getTime() + offset(date.getTime()));
      return `${l.getUTCFullYear()}-${pad(l.getUTCMonth() + 1)}-${pad(l.getUTCDate())} ${pad(l.getUTCHours())}:${pad(l.getUTCMinutes())}:${pad(l.getUTCSeconds())}`;
    }
    case 'jira':
      return date.toISOString().replace('Z', '+0000');
    case 'gitlab':
      return date.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
    case 'iso':
      return date.toISOString();
  }
}
