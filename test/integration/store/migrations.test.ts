import { Database, SchemaOutOfDateError, openStore } from '../../../src/store/index.js';
import { createTestDatabase, describeEachDatabase } from '../../support/databases.js';

describeEachDatabase('migrations', (dialect) => {
  it('creates every table on an empty database, then has nothing pending', async () => {
    const t = await createTestDatabase(dialect);
    const db = await t.open({ migrate: false });
    try {
      const all = [
        'InitialSchema1760000000001',
        'JobLeases1760000000002',
        'LinkSyncState1760000000003',
        'GateRequests1760000000004',
        'ReconcileRuns1760000000005',
      ];
      expect(await db.pendingMigrations()).toEqual(all);
      expect(await db.migrate()).toEqual(all);
      expect(await db.pendingMigrations()).toEqual([]);
      expect(await db.migrate()).toEqual([]);
      const runner = db.dataSource.createQueryRunner();
      for (const table of [
        'changes',
        'approvals',
        'code_changes',
        'deployments',
        'incidents',
        'links',
        'people',
        'person_identities',
        'findings',
        'gate_requests',
        'reconcile_runs',
        'audit_events',
        'audit_head',
        'source_cursors',
        'inbox_events',
        'outbox_commands',
        'dead_letters',
      ]) {
        expect(await runner.hasTable(table)).toBe(true);
      }
      const inbox = await runner.getTable('inbox_events');
      const names = (inbox?.indices ?? []).map((i) => i.name);
      expect(names).toEqual(
        expect.arrayContaining(['uq_inbox_source_delivery', 'ix_inbox_status_next']),
      );
      await runner.release();
    } finally {
      await db.close();
      await t.drop();
    }
  });

  it('refuses to open a database at an older migration and says to run migrate', async () => {
    const t = await createTestDatabase(dialect);
    const db = await t.open({ migrate: false });
    await db.close();
    try {
      const err = await openStore({ url: t.url }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SchemaOutOfDateError);
      expect((err as Error).message).toMatch(
        /has no changebridge schema yet: 5 migration\(s\) pending \(InitialSchema1760000000001, JobLeases1760000000002, LinkSyncState1760000000003, GateRequests1760000000004, ReconcileRuns1760000000005\)/,
      );
      expect((err as Error).message).toContain('Run `changebridge migrate`');
      expect((err as SchemaOutOfDateError).exitCode).toBe(78);
    } finally {
      await t.drop();
    }
  });

  it('names the pending migration of a database one release behind, and migrate catches it up', async () => {
    const t = await createTestDatabase(dialect);
    const db = await t.open();
    // Roll the database back one release: as if it had never seen 0005.
    await db.dataSource.query('DROP TABLE reconcile_runs');
    await db.dataSource.query(
      "DELETE FROM schema_migrations WHERE name = 'ReconcileRuns1760000000005'",
    );
    await db.close();
    try {
      const err = await openStore({ url: t.url }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(
        /is at an older schema: 1 migration\(s\) pending \(ReconcileRuns1760000000005\)\. Run `changebridge migrate`/,
      );
      const again = await t.open({ migrate: false });
      expect(await again.migrate()).toEqual(['ReconcileRuns1760000000005']);
      await again.close();
      const store = await openStore({ url: t.url });
      await store.db.close();
    } finally {
      await t.drop();
    }
  });
});

describe('schema errors', () => {
  it('tells a database that is behind to run migrate', () => {
    const err = new SchemaOutOfDateError('MySQL database "cb" at db:3306', [
      'AddFindingsWaivers1770000000000',
    ]);
    expect(err.message).toBe(
      '[changebridge/store] MySQL database "cb" at db:3306 is at an older schema: 1 migration(s) pending ' +
        '(AddFindingsWaivers1770000000000). Run `changebridge migrate` to bring it up to date.',
    );
  });
});

describe('database connection errors', () => {
  it('names host and port when nothing listens there', async () => {
    const err = await Database.open({
      url: 'mysql://root@127.0.0.1:1/changebridge',
      connectTimeoutMs: 2000,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      '[changebridge/store] cannot reach MySQL database "changebridge": nothing is listening at 127.0.0.1:1',
    );
    expect((err as { hint: string }).hint).toMatch(/start the MySQL\/MariaDB server/);
    expect((err as { exitCode: number }).exitCode).toBe(69);
  });

  it('rejects unsupported URL schemes with the expected forms', async () => {
    await expect(Database.open({ url: 'postgres://u:secret@h/db' })).rejects.toThrow(
      '[changebridge/store] database.url "postgres://u:****@h/db" has unsupported scheme "postgres:" (expected sqlite:<path> or mysql://user@host:port/db)',
    );
  });

  it('creates the SQLite file and its folder on first open, in WAL mode', async () => {
    const t = await createTestDatabase('sqlite');
    const nested = t.url.replace(/test\.db$/, 'nested/dir/cb.db');
    const db = await Database.open({ url: nested });
    try {
      const [mode] = (await db.dataSource.query('PRAGMA journal_mode')) as {
        journal_mode: string;
      }[];
      expect(mode?.journal_mode).toBe('wal');
      const [busy] = (await db.dataSource.query('PRAGMA busy_timeout')) as Record<string, number>[];
      expect(Object.values(busy ?? {})[0]).toBe(5000);
    } finally {
      await db.close();
      await t.drop();
    }
  });
});
