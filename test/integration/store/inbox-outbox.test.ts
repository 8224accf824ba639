import { createStore, Database, retryLockConflicts, type Store } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { at, sourceEvent, T0 } from './fixtures.js';

describeEachDatabase('inbox and outbox', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Store;
  beforeAll(() => {
    store = createStore(handle.get());
  });

  it('stores an event once per (source, deliveryKey) and keeps its payload intact', async () => {
    const first = await store.inbox.insert(sourceEvent(1));
    const again = await store.inbox.insert(sourceEvent(1, { payload: { different: true } }));
    expect(first.inserted).toBe(true);
    expect(again).toEqual({ id: first.id, inserted: false });
    const otherSource = await store.inbox.insert(
      sourceEvent(1, { source: 'jira:other', connection: 'other' }),
    );
    expect(otherSource.inserted).toBe(true);
    const row = await store.inbox.get(first.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 0, thin: false, receivedAt: T0 });
    expect(row?.payload).toEqual(sourceEvent(1).payload);
  });

  it('stores one row when the same delivery races in 20 times at once', async () => {
    const others =
      dialect === 'mysql'
        ? await Promise.all([1, 2, 3].map(() => Database.open({ url: handle.test().url })))
        : [];
    const stores = [store, ...others.map(createStore)];
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          stores[i % stores.length]!.inbox.insert(sourceEvent(777)),
        ),
      );
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });

  it('reports duplicates inside one batch insert without failing the batch', async () => {
    const res = await store.inbox.insertMany([sourceEvent(2), sourceEvent(3), sourceEvent(2)]);
    expect(res.map((r) => r.inserted)).toEqual([true, true, false]);
    expect(res[2]!.id).toBe(res[0]!.id);
  });

  it('claims due events, leases them, and hands them out again only after the lease expires', async () => {
    const a = await store.inbox.claim({
      workerId: 'w1',
      limit: 100,
      leaseMs: 60_000,
      now: at(1000),
    });
    expect(a.length).toBeGreaterThanOrEqual(4);
    expect(
      a.every((r) => r.status === 'processing' && r.claimedBy === 'w1' && r.attempts === 1),
    ).toBe(true);
    expect(
      await store.inbox.claim({ workerId: 'w2', limit: 100, leaseMs: 60_000, now: at(2000) }),
    ).toEqual([]);
    const reclaimed = await store.inbox.claim({
      workerId: 'w2',
      limit: 100,
      leaseMs: 60_000,
      now: at(62_000),
    });
    expect(reclaimed.map((r) => r.id).sort()).toEqual(a.map((r) => r.id).sort());
    expect(reclaimed.every((r) => r.attempts === 2 && r.claimedBy === 'w2')).toBe(true);
    for (const r of reclaimed) await store.inbox.complete(r.id, 'done', at(63_000));
    expect(await store.inbox.counts()).toEqual({ done: reclaimed.length });
  });

  it('retries a failed event later and dead-letters it for good, without blocking the ones behind', async () => {
    const bad = await store.inbox.insert(sourceEvent(10, { receivedAt: at(100_000) }));
    const good = await store.inbox.insert(sourceEvent(11, { receivedAt: at(100_001) }));
    const [first, second] = await store.inbox.claim({
      workerId: 'w',
      limit: 10,
      leaseMs: 1000,
      now: at(100_002),
    });
    expect([first?.id, second?.id]).toEqual([bad.id, good.id]);
    expect(
      await store.inbox.fail(bad.id, 'mapping failed: x', {
        now: at(100_003),
        retryAt: at(160_000),
      }),
    ).toBe('retry');
    await store.inbox.complete(good.id, 'done', at(100_004));
    expect(
      await store.inbox.claim({ workerId: 'w', limit: 10, leaseMs: 1000, now: at(159_000) }),
    ).toEqual([]);
    const [again] = await store.inbox.claim({
      workerId: 'w',
      limit: 10,
      leaseMs: 1000,
      now: at(160_000),
    });
    expect(again).toMatchObject({ id: bad.id, attempts: 2, lastError: 'mapping failed: x' });
    expect(
      await store.inbox.fail(bad.id, 'mapping failed: y', { now: at(160_001), retryAt: null }),
    ).toBe('dead');
    const [letter] = await store.deadLetters.list();
    expect(letter).toMatchObject({
      origin: 'inbox',
      originId: bad.id,
      reason: 'mapping failed: y',
      attempts: 2,
    });
    expect(letter?.payload).toEqual(sourceEvent(10).payload);

    await store.deadLetters.retry(letter!.id, at(170_000));
    expect(await store.deadLetters.list()).toEqual([]);
    const [revived] = await store.inbox.claim({
      workerId: 'w',
      limit: 10,
      leaseMs: 1000,
      now: at(170_000),
    });
    expect(revived).toMatchObject({ id: bad.id, attempts: 1 });
    await store.inbox.complete(bad.id, 'done', at(170_001));
    await expect(store.deadLetters.retry(letter!.id, at(170_001))).rejects.toThrow(
      /already retried/,
    );
    await expect(store.deadLetters.retry(999_999, at(170_001))).rejects.toThrow(
      /dead letter 999999 does not exist/,
    );
  });

  it('enqueues one outbox command per idempotency key and completes it with a result', async () => {
    const cmd = {
      idempotencyKey: 'jira.comment:OPS-1:abc',
      changeId: null,
      targetSystem: 'jira',
      connection: 'jira',
      operation: 'jira.comment',
      target: 'OPS-1',
      payload: { body: 'hello' },
    };
    const a = await store.outbox.enqueue(cmd, T0);
    const b = await store.outbox.enqueue({ ...cmd, payload: { body: 'other' } }, T0);
    expect(a.inserted).toBe(true);
    expect(b).toEqual({ id: a.id, inserted: false });
    const [claimed] = await store.outbox.claim({ workerId: 'd', limit: 5, leaseMs: 1000, now: T0 });
    expect(claimed).toMatchObject({
      id: a.id,
      operation: 'jira.comment',
      payload: { body: 'hello' },
    });
    await store.outbox.complete(a.id, { commentId: '10001' }, at(5));
    expect(await store.outbox.get(a.id)).toMatchObject({
      status: 'done',
      result: { commentId: '10001' },
    });
  });

  it('rejects a nonsensical claim limit', async () => {
    await expect(
      store.inbox.claim({ workerId: 'w', limit: 0, leaseMs: 1, now: T0 }),
    ).rejects.toThrow(/positive integer/);
  });

  it('never hands one event to two workers claiming at the same time', async () => {
    const events = Array.from({ length: 120 }, (_, i) =>
      sourceEvent(1000 + i, { receivedAt: at(200_000) }),
    );
    await store.inbox.insertMany(events);
    // On MySQL separate connections stand in for separate replicas. SQLite is the
    // single-process embedded store: there, concurrent callers share one handle.
    const others =
      dialect === 'mysql'
        ? await Promise.all([1, 2].map(() => Database.open({ url: handle.test().url })))
        : [];
    const stores =
      dialect === 'mysql' ? [store, ...others.map(createStore)] : [store, store, store];
    try {
      const claimed: number[][] = stores.map(() => []);
      await Promise.all(
        stores.map(async (s, i) => {
          for (;;) {
            const rows = await s.inbox.claim({
              workerId: `w${i}`,
              limit: 7,
              leaseMs: 600_000,
              now: at(200_001),
            });
            if (rows.length === 0) break;
            claimed[i]!.push(...rows.map((r) => r.id));
          }
        }),
      );
      const all = claimed.flat();
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(120);
      if (dialect === 'mysql') {
        // With SKIP LOCKED every replica gets work instead of queueing behind the first.
        expect(claimed.filter((c) => c.length > 0).length).toBeGreaterThan(1);
      }
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });

  describe('enqueueing many commands at once (the planner)', () => {
    const command = (key: string, body = key) => ({
      idempotencyKey: `many|${key}`,
      changeId: null,
      targetSystem: 'jira',
      connection: 'jira',
      operation: 'jira.comment',
      target: 'OPS-9',
      payload: { body },
    });
    const stored = async (keys: string[]) =>
      (await handle.get().dataSource.query(
        `SELECT idempotency_key, payload, status FROM outbox_commands WHERE idempotency_key IN (${keys.map(() => '?').join(',')}) ORDER BY idempotency_key`,
        keys.map((k) => `many|${k}`),
      )) as { idempotency_key: string; payload: unknown; status: string }[];

    it('skips the keys already stored and repeats of a key, and inserts the rest', async () => {
      const db = handle.get();
      await db.transaction((m) => store.syncRows.enqueueMany(m, [command('a', 'first')], T0));
      const cmds = [
        command('a', 'again'),
        ...Array.from({ length: 250 }, (_, i) => command(`n${String(i).padStart(3, '0')}`)),
        command('n000', 'repeat'),
      ];
      const inserted = await db.transaction((m) => store.syncRows.enqueueMany(m, cmds, T0));
      expect(inserted.size).toBe(250);
      expect(inserted.has('many|a')).toBe(false);
      const rows = await stored(['a', 'n000', 'n249']);
      expect(rows.map((r) => r.idempotency_key)).toEqual(['many|a', 'many|n000', 'many|n249']);
      const bodies = rows.map((r) =>
        typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
      );
      expect(bodies).toEqual([{ body: 'first' }, { body: 'n000' }, { body: 'n249' }]);
      expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['pending']));
    });

    it('gives each key to exactly one of several transactions enqueueing it at once', async () => {
      const others =
        dialect === 'mysql'
          ? await Promise.all([1, 2, 3].map(() => Database.open({ url: handle.test().url })))
          : [];
      const dbs = [handle.get(), ...others];
      const stores = [store, ...others.map(createStore)];
      const keys = Array.from({ length: 40 }, (_, i) => `race${String(i).padStart(2, '0')}`);
      try {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => {
            const mine = keys.filter((_, k) => (k + i) % 3 !== 0).map((k) => command(k));
            const s = stores[i % stores.length]!;
            return retryLockConflicts(
              () => dbs[i % dbs.length]!.transaction((m) => s.syncRows.enqueueMany(m, mine, T0)),
              20,
            );
          }),
        );
        const all = results.flatMap((r) => [...r]);
        expect(new Set(all).size).toBe(all.length);
        expect(all.sort()).toEqual(keys.map((k) => `many|${k}`));
        expect(await stored(keys)).toHaveLength(40);
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    });

    it('falls back to one insert per command when another replica inserts a key meanwhile', async () => {
      if (dialect !== 'mysql') return; // SQLite has one writer: no insert can slip in between
      const other = await Database.open({ url: handle.test().url });
      const otherStore = createStore(other);
      try {
        let commitOther!: () => void;
        let otherInserted!: () => void;
        const inserted = new Promise<void>((r) => (otherInserted = r));
        const holding = other.transaction(async (m) => {
          await otherStore.syncRows.enqueueMany(m, [command('slip', 'other replica')], T0);
          otherInserted();
          await new Promise<void>((r) => (commitOther = r));
        });
        await inserted;
        // Its SELECT cannot see the uncommitted row; its INSERT waits for the other
        // transaction's lock and then fails on the duplicate key.
        const mine = handle
          .get()
          .transaction((m) =>
            store.syncRows.enqueueMany(m, [command('slip', 'mine'), command('after')], T0),
          );
        await new Promise((r) => setTimeout(r, 300));
        commitOther();
        await holding;
        expect([...(await mine)]).toEqual(['many|after']);
        const rows = await stored(['after', 'slip']);
        expect(rows.map((r) => r.idempotency_key)).toEqual(['many|after', 'many|slip']);
        const slip = rows[1]!.payload;
        expect(typeof slip === 'string' ? JSON.parse(slip) : slip).toEqual({
          body: 'other replica',
        });
      } finally {
        await other.close();
      }
    });
  });
});
