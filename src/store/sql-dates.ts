/**
 * typeorm stores SQLite DATETIME columns as UTC text `YYYY-MM-DD HH:mm:ss.SSS`; raw queries
 * must bind dates in exactly that form so string comparison orders them correctly.
 */
export function toSqliteDate(date: Date): string {
  // Most dates written in one go are the same instant (a transaction's `now`).
  const t = date.getTime();
  if (t === last.time) return last.text;
  const iso = date.toISOString();
  const text =
    iso.length === 24
      ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}`
      : iso.replace('T', ' ').replace('Z', '');
  last = { time: t, text };
  return text;
}

let last = { time: Number.NaN, text: '' };

/** A DATETIME as returned by a raw query: a Date (mysql2) or UTC text (SQLite). */
export function fromSqlDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'string') {
    const iso = value.includes('T') ? value : `${value.replace(' ', 'T')}Z`;
    const d = new Date(iso);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new TypeError(`[changebridge/store] cannot read "${String(value)}" as a date`);
}
