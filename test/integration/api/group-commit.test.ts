import { withGroupCommit } from '../../../src/api/group-commit.js';
import { eventSource, type SourceEvent } from '../../../src/model/index.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';

/** Concurrent webhook writes grouped into shared transactions, each still told its own result. */
function event(key: string, payload: unknown = { n: key }): SourceEvent {
  return {
    system: 'jira',
    connection: 'jira',
    source: eventSource('jira', 'jira'),
    deliveryKey: key,
    kind: 'issue',
    event: 'jira:issue_updated',
    externalId: '10001',
    receivedAt: new Date('2026-03-01T10:00:00Z'),
    thin: false,
    payload,
  };
}

describeEachDatabase('withGroupCommit', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Store;
  let grouped: Store;
  beforeAll(() => {
    store = createStore(handle.get());
    grouped = withGroupCommit(store);
  });

  it('groups on SQLite only; MySQL keeps its pool', () => {
    expect(grouped === store).toBe(dialect === 'mysql');
  });

  it('answers each caller with its own results, duplicates included', async () => {
    const calls = [['g-1', 'g-2'], ['g-3'], ['g-1'], ['g-3', 'g-4']];
    const results = await Promise.all(
      calls.map((keys) => grouped.inbox.insertMany(keys.map((k) => event(k)))),
    );
    // Per key: stored exactly once, and every caller told the same row id.
    const byKey = new Map<string, { inserted: number; ids: Set<number> }>();
    calls.forEach((keys, c) =>
      keys.forEach((key, i) => {
        const entry = byKey.get(key) ?? { inserted: 0, ids: new Set<number>() };
        const result = results[c]![i]!;
        entry.inserted += result.inserted ? 1 : 0;
        entry.ids.add(result.id);
        byKey.set(key, entry);
      }),
    );
    for (const [key, entry] of byKey) {
      expect({ key, inserted: entry.inserted, ids: entry.ids.size }).toEqual({
        key,
        inserted: 1,
        ids: 1,
      });
      expect(await rowFor(key)).toBe([...entry.ids][0]);
    }
    if (dialect === 'sqlite') {
      // Grouped writes keep arrival order: the first caller of a key is the one that stored it.
      expect(results.map((r) => r.map((x) => x.inserted))).toEqual([
        [true, true],
        [true],
        [false],
        [false, true],
      ]);
    }
  });

  it('one request that cannot be stored fails alone; its neighbours are committed', async () => {
    const unserialisable = { big: BigInt(1) }; // JSON.stringify throws on BigInt
    const outcomes = await Promise.allSettled([
      grouped.inbox.insertMany([event('h-1')]),
      grouped.inbox.insertMany([event('h-2')]),
      grouped.inbox.insertMany([event('h-bad', unserialisable)]),
      grouped.inbox.insertMany([event('h-3')]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(await rowFor('h-bad')).toBeNull();
    expect(await rowFor('h-3')).not.toBeNull();
  });

  async function rowFor(key: string): Promise<number | null> {
    const [result] = await store.db.run((m) =>
      m.query(`SELECT id FROM inbox_events WHERE delivery_key = ?`, [key]),
    );
    return (result as { id: number } | undefined)?.id ?? null;
  }
});
