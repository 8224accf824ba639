import BetterSqlite3 from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { performance } from 'node:perf_hooks';
import { parseDatabaseUrl } from '../../../src/store/index.js';

/**
 * The raw-driver baseline for the backfill benchmark: read every row a backfill wrote,
 * then insert the very same rows into a fresh, migrated database with nothing but the
 * driver: one prepared INSERT per table in one transaction on SQLite (better-sqlite3),
 * multi-row INSERTs of 1,000 rows on MySQL/MariaDB (mysql2, each its own autocommit). Only
 * the inserts are timed. Dates and JSON come back as strings and go in unchanged.
 */
export type Row = Record<string, unknown>;

/**
 * The tables a backfill writes (parents first, though the schema declares no foreign
 * keys): the canonical rows, their links, the people they name, the audit trail and the
 * write-backs planned for them, and the stream cursors. `audit_head` (one row, created by
 * the migration) is left out.
 */
export const CANONICAL_TABLES = [
  'people',
  'person_identities',
  'changes',
  'links',
  'approvals',
  'incidents',
  'findings',
  'outbox_commands',
  'audit_events',
  'source_cursors',
] as const;
export type CanonicalTable = (typeof CANONICAL_TABLES)[number];
export type CanonicalRows = Record<CanonicalTable, Row[]>;

/** Rows per table, in CANONICAL_TABLES order. */
export function rowCounts(rows: CanonicalRows): Record<string, number> {
  return Object.fromEntries(CANONICAL_TABLES.map((t) => [t, rows[t].length]));
}

const MYSQL_BATCH = 1000;

function sqlitePath(url: string): string {
  const target = parseDatabaseUrl(url);
  if (target.dialect !== 'sqlite') throw new Error(`[bench] not a SQLite URL: ${url}`);
  return target.path;
}

async function mysqlConnection(url: string): Promise<mysql.Connection> {
  const target = parseDatabaseUrl(url);
  if (target.dialect !== 'mysql') throw new Error(`[bench] not a MySQL URL: ${url}`);
  return mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    dateStrings: true,
  });
}

/** Row counts of `tables` (any table of the schema). */
export async function countRows(url: string, tables: readonly string[]): Promise<Row> {
  const counts: Row = {};
  if (url.startsWith('sqlite:')) {
    const db = new BetterSqlite3(sqlitePath(url), { readonly: true });
    try {
      for (const t of tables)
        counts[t] = (db.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n;
    } finally {
      db.close();
    }
    return counts;
  }
  const conn = await mysqlConnection(url);
  try {
    for (const t of tables) {
      const [rows] = await conn.query(`SELECT COUNT(*) AS n FROM \`${t}\``);
      counts[t] = Number((rows as { n: number }[])[0]?.n ?? 0);
    }
  } finally {
    await conn.end();
  }
  return counts;
}

export async function readCanonical(url: string): Promise<CanonicalRows> {
  if (url.startsWith('sqlite:')) {
    const db = new BetterSqlite3(sqlitePath(url), { readonly: true });
    try {
      const read = (t: CanonicalTable) => db.prepare(`SELECT * FROM "${t}"`).all() as Row[];
      return Object.fromEntries(CANONICAL_TABLES.map((t) => [t, read(t)])) as CanonicalRows;
    } finally {
      db.close();
    }
  }
  const conn = await mysqlConnection(url);
  try {
    const out: Partial<CanonicalRows> = {};
    for (const t of CANONICAL_TABLES)
      out[t] = (await conn.query(`SELECT * FROM \`${t}\``))[0] as Row[];
    return out as CanonicalRows;
  } finally {
    await conn.end();
  }
}

/** Inserts `rows` into the (migrated, empty) database at `url`; returns the insert time. */
export async function rawInsert(url: string, rows: Partial<CanonicalRows>): Promise<number> {
  if (url.startsWith('sqlite:')) {
    const db = new BetterSqlite3(sqlitePath(url));
    // What changebridge's own connection sets (src/store/database.ts): WAL, foreign keys.
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    try {
      const started = performance.now();
      db.transaction(() => {
        for (const table of CANONICAL_TABLES) {
          const first = rows[table]?.[0];
          if (!first) continue;
          const cols = Object.keys(first);
          const insert = db.prepare(
            `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
          );
          for (const row of rows[table]!) insert.run(...cols.map((c) => row[c]));
        }
      })();
      return performance.now() - started;
    } finally {
      db.close();
    }
  }
  const conn = await mysqlConnection(url);
  try {
    const started = performance.now();
    for (const table of CANONICAL_TABLES) {
      const all = rows[table] ?? [];
      const first = all[0];
      if (!first) continue;
      const cols = Object.keys(first);
      const sql = `INSERT INTO \`${table}\` (${cols.map((c) => `\`${c}\``).join(', ')}) VALUES ?`;
      for (let i = 0; i < all.length; i += MYSQL_BATCH) {
        const batch = all.slice(i, i + MYSQL_BATCH).map((r) => cols.map((c) => r[c]));
        await conn.query(sql, [batch]);
      }
    }
    return performance.now() - started;
  } finally {
    await conn.end();
  }
}
