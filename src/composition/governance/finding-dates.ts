import type { Finding } from '../../model/index.js';

/**
 * The `waiver` column is JSON, so its `until` comes back from the database as an ISO
 * string; the model (isWaived) needs a Date.
 */
export function withDates(f: Finding): Finding {
  if (!f.waiver) return f;
  const until = f.waiver.until as Date | string | null;
  return { ...f, waiver: { ...f.waiver, until: until === null ? null : new Date(until) } };
}
