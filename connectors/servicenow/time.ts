/**
 * ServiceNow's raw date-time format: `YYYY-MM-DD HH:mm:ss`, UTC, whole seconds. Fixed-width,
 * so strings in this format sort in time order.
 */
const PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

export function formatSnTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Parses a raw ServiceNow date-time; undefined when it is not one. */
export function parseSnTime(value: string): Date | undefined {
  const m = PATTERN.exec(value);
  if (!m) return undefined;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(d.getTime()) || formatSnTime(d) !== value ? undefined : d;
}

export function isSnTime(value: string): boolean {
  return parseSnTime(value) !== undefined;
}

export function addSeconds(value: string, seconds: number): string {
  const d = parseSnTime(value);
  if (!d) throw new RangeError(`not a ServiceNow date-time: ${value}`);
  return formatSnTime(new Date(d.getTime() + seconds * 1000));
}
