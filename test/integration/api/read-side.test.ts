import type { Link } from '../../../src/model/index.js';
import { emptyChange } from '../../../src/model/index.js';
import { createStore, type Store } from '../../../src/store/index.js';
import {
  createTestDatabase,
  describeEachDatabase,
  useTestDatabase,
  type TestDatabase,
} from '../../support/databases.js';
import { startServer, type Running } from './support.js';

/** healthz, readyz, and the canonical change view over real loopback and real databases. */
describeEachDatabase('read side', (dialect) => {
  describe('GET /api/v1/changes/:key and /healthz', () => {
    const handle = useTestDatabase(dialect);
    let store: Store;
    let server: Running;
    beforeAll(async () => {
      store = createStore(handle.get());
      server = await startServer({ store, connectors: [] });
    });
    afterAll(() => server.app.close());

    it('healthz → 200 ok', async () => {
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    });

    it('returns a change saved through the store, with its links and ISO dates', async () => {
      const t0 = new Date('2026-03-01T10:00:00.000Z');
      const change = await store.changes.save(
        {
          ...emptyChange(
            '5b0d5a44-8f0e-4d61-9d6e-3f1b2a9c0001',
            {
              key: 'CHG0031001',
              title: 'Rotate TLS certificates',
              tenant: 'default',
            },
            t0,
          ),
          plannedStart: new Date('2026-03-02T08:00:00.000Z'),
        },
        t0,
      );
      const link: Link = {
        changeId: change.id,
        recordId: 'jira:issue:jira:10042',
        system: 'jira',
        connection: 'jira',
        kind: 'issue',
        externalId: '10042',
        externalKey: 'OPS-42',
        url: 'https://jira.example/browse/OPS-42',
        sourceVersion: '2026-03-01T09:59:00.000+0000',
        lastReadHash: 'a'.repeat(64),
        lastWrittenHash: null,
        updatedAt: t0,
      };
      await store.links.upsert(link);

      const res = await fetch(`${server.url}/api/v1/changes/CHG0031001`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { change: Record<string, unknown>; links: unknown[] };
      expect(body.change).toMatchObject({
        id: change.id,
        key: 'CHG0031001',
        title: 'Rotate TLS certificates',
        plannedStart: '2026-03-02T08:00:00.000Z',
        updatedAt: '2026-03-01T10:00:00.000Z',
        version: 1,
      });
      expect(body.links).toEqual([{ ...link, updatedAt: '2026-03-01T10:00:00.000Z' }]);
    });

    it('an unknown key → 404 with an error', async () => {
      const res = await fetch(`${server.url}/api/v1/changes/CHG9999999`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: string }).error).toContain(
        'no change with key "CHG9999999"',
      );
    });

    it('an unknown route → 404 naming it', async () => {
      const res = await fetch(`${server.url}/api/v2/nothing?x=1`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: string }).error).toContain('GET /api/v2/nothing');
    });
  });

  describe('GET /readyz', () => {
    let testDb: TestDatabase;
    afterAll(() => testDb?.drop());

    it('503 with the reason on an unmigrated database, 200 after migrate', async () => {
      testDb = await createTestDatabase(dialect);
      const db = await testDb.open({ migrate: false });
      const server = await startServer({ store: createStore(db), connectors: [] });
      try {
        const before = await fetch(`${server.url}/readyz`);
        expect(before.status).toBe(503);
        const reason = (await before.json()) as { status: string; detail: string };
        expect(reason.status).toBe('not_ready');
        expect(reason.detail).toMatch(/pending migration.*changebridge migrate/);
        await db.migrate();
        const after = await fetch(`${server.url}/readyz`);
        expect(after.status).toBe(200);
        expect(await after.json()).toMatchObject({ status: 'ready' });
        await db.close();
        const closed = await fetch(`${server.url}/readyz`);
        expect(closed.status).toBe(503);
        expect(((await closed.json()) as { detail: string }).detail).toContain('database');
      } finally {
        await server.app.close();
        if (db.dataSource.isInitialized) await db.close();
      }
    });
  });
});
