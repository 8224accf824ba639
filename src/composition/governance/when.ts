/** `waive --until`: an instant or a duration from now, given on the command line. */
import { parseIsoInstant } from '../../util/instant.js';

const DURATION = /^(\d{1,6})([mhdw])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

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
  return parseIsoInstant(text);
}
