/**
 * Instants given on the command line (`report --from/--to`, `waive --until`,
 * `policy replay --at`): an ISO date or an ISO date-time, UTC unless it names a zone.
 */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const ZONE = /(Z|[+-]\d{2}:?\d{2})$/;

/**
 * An ISO date (the start of that UTC day, or with `endOfDay` its last millisecond, so
 * `--to 2026-11-30` includes the 30th) or an ISO date-time (UTC unless it names a zone).
 * Null when it is neither, or names a day the calendar does not have: Date.parse would
 * roll 2026-02-30 over to March 2, with or without a zone.
 */
export function parseIsoInstant(value: string, o: { endOfDay?: boolean } = {}): Date | null {
  const text = value.trim();
  let iso: string;
  if (ISO_DATE.test(text)) iso = `${text}T${o.endOfDay ? '23:59:59.999' : '00:00:00.000'}Z`;
  else if (ISO_TIME.test(text))
    iso = ZONE.test(text) ? text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2') : `${text}Z`;
  else return null;
  if (!isCalendarDay(text.slice(0, 10))) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** `YYYY-MM-DD` names a day that exists (month 1–12, day within that month). */
function isCalendarDay(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  if (m < 1 || m > 12 || d < 1) return false;
  const last = new Date(0);
  last.setUTCFullYear(y, m, 0); // day 0 of the next month: the last day of month m
  return d <= last.getUTCDate();
}
