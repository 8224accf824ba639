/**
 * typeorm stores SQLite DATETIME columns as UTC text `YYYY-MM-DD HH:mm:ss.SSS`; raw queries
 * must bind dates in exactly that form so string comparison orders them correctly.
 */
export function toSqliteDate(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

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
