import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Database } from '../../src/store/index.js';

/**
 * Runs the same suite on SQLite and on MySQL/MariaDB. Test names carry `[sqlite]` or
 * `[mysql]` so the summary reporter can show that both ran, with counts. Without
 * CHANGEBRIDGE_TEST_MYSQL_URL the MySQL copy is skipped (and global setup says so loudly).
 */
export type TestDialect = 'sqlite' | 'mysql';

export const MYSQL_URL = process.env.CHANGEBRIDGE_TEST_MYSQL_URL;

export interface TestDatabase {
  dialect: TestDialect;
  url: string;
  /** Opens (and by default migrates) a new connection to this test database. */
  open(opts?: { migrate?: boolean }): Promise<Database>;
  drop(): Promise<void>;
}

/** A brand-new, empty database of the dialect (a temp file, or a new MySQL schema). */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'cb-test-'));
    const url = `sqlite:${join(dir, 'test.db')}`;
    return {
      dialect,
      url,
      open: (opts) => openAndMigrate(url, opts?.migrate ?? true),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (!MYSQL_URL) throw new Error('CHANGEBRIDGE_TEST_MYSQL_URL is not set');
  const base = new URL(MYSQL_URL);
  const name = `cbt_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  const admin = await Database.open({ url: base.toString(), createDatabase: true });
  await admin.dataSource.query(
    `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
  await admin.close();
  return {
    dialect,
    url: url.toString(),
    open: (opts) => openAndMigrate(url.toString(), opts?.migrate ?? true),
    drop: async () => {
      const a = await Database.open({ url: base.toString() });
      await a.dataSource.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await a.close();
    },
  };
}

async function openAndMigrate(url: string, migrate: boolean): Promise<Database> {
  const db = await Database.open({ url, busyTimeoutMs: 5000 });
  if (migrate) await db.migrate();
  return db;
}

/** `describe` once per dialect; the body gets the dialect name. */
export function describeEachDatabase(title: string, body: (dialect: TestDialect) => void): void {
  describe(`${title} [sqlite]`, () => body('sqlite'));
  const describeMysql = MYSQL_URL ? describe : describe.skip;
  describeMysql(`${title} [mysql]`, () => body('mysql'));
}

/**
 * One fresh, migrated database for the enclosing describe block: opened before all its
 * tests, dropped after. `get()` returns the open handle.
 */
export function useTestDatabase(dialect: TestDialect): { get(): Database; test(): TestDatabase } {
  let testDb: TestDatabase | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase(dialect);
    db = await testDb.open();
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });
  return {
    get: () => {
      if (!db) throw new Error('test database not open yet');
      return db;
    },
    test: () => {
      if (!testDb) throw new Error('test database not created yet');
      return testDb;
    },
  };
}
