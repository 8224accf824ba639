/** Instants and durations given on the command line (`waive --until`, `policy replay`). */

const DURATION = /^(\d{1,6})([mhdw])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * `--until`: an ISO date (midnight UTC), an ISO date-time (UTC unless it names a zone) or
 * a duration from now (`30m`, `12h`, `7d`, `2w`). Null when it is none of these.
 */
export function parseUntil(value: string, now: Date): Date | null {
  const text = value.trim();
  const duration = DURATION.exec(text);
  if (duration) {
    const [, n, unit] = duration as unknown as [string, string, keyof typeof UNIT_MS];
    return new Date(now.getTime() + Number(n) * UNIT_MS[unit]);
  }
  return parseInstant(text);
}

/** An ISO date (midnight UTC) or date-time (UTC unless it names a zone); null otherwise. */
export function parseInstant(value: string): Date | null {
  const text = value.trim();
  let iso: string;
  if (ISO_DATE.test(text)) iso = `${text}T00:00:00Z`;
  else if (ISO_TIME.test(text))
    iso = /(Z|[+-]\d{2}:?\d{2})$/.test(text)
      ? text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
      : `${text}Z`;
  else return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms);
}
