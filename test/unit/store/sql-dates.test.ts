import { fromSqlDate, toSqliteDate } from '../../../src/store/sql-dates.js';

describe('SQLite DATETIME text', () => {
  it('writes UTC `YYYY-MM-DD HH:mm:ss.SSS`, the form typeorm stores and text order sorts', () => {
    expect(toSqliteDate(new Date('2026-03-02T10:00:00.000Z'))).toBe('2026-03-02 10:00:00.000');
    expect(toSqliteDate(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12-31 23:59:59.999');
  });

  it('gives each instant its own text, also right after the same instant twice', () => {
    const a = new Date('2026-03-02T10:00:00.000Z');
    const b = new Date('2026-03-02T10:00:00.001Z');
    expect([a, a, b, new Date(a), b].map(toSqliteDate)).toEqual([
      '2026-03-02 10:00:00.000',
      '2026-03-02 10:00:00.000',
      '2026-03-02 10:00:00.001',
      '2026-03-02 10:00:00.000',
      '2026-03-02 10:00:00.001',
    ]);
  });

  it('reads back what it wrote', () => {
    const d = new Date('2027-01-05T03:04:05.678Z');
    expect(fromSqlDate(toSqliteDate(d))).toEqual(d);
  });
});
