import { runPollPass } from '../../../src/ingest/index.js';
import type { PollPage, PollStream } from '../../../src/model/index.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { sourceEvent, T0 } from '../store/fixtures.js';

/** A stream over 10 records in pages of 3; the cursor is the index of the next record. */
function stream(opts: { failOnPage?: number; overlap?: number } = {}): PollStream {
  return {
    name: 'issue',
    async *poll(cursor: string | null): AsyncIterable<PollPage> {
      let next = Math.max(0, Number(cursor ?? 0) - (opts.overlap ?? 0));
      let page = 0;
      while (next < 10) {
        page += 1;
        if (page === opts.failOnPage) throw new Error('connection reset mid-pass');
        const end = Math.min(next + 3, 10);
        const events = [];
        for (let i = next; i < end; i++) events.push(sourceEvent(i));
        next = end;
        yield { events, nextCursor: String(next) };
      }
    },
  };
}

describeEachDatabase('poll pass', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Store;
  beforeAll(() => {
    store = createStore(handle.get());
  });

  it('commits each page with its cursor: a crash repeats nothing and skips nothing', async () => {
    await expect(
      runPollPass(store, 'jira', stream({ failOnPage: 3 }), { startedAt: T0 }),
    ).rejects.toThrow(/connection reset/);
    expect((await store.cursors.get('jira', 'issue'))?.cursorValue).toBe('6');
    expect((await store.inbox.counts()).pending).toBe(6);

    const resumed = await runPollPass(store, 'jira', stream({ overlap: 2 }), { startedAt: T0 });
    expect(resumed).toMatchObject({ events: 4, duplicates: 2, cursor: '10' });
    expect((await store.inbox.counts()).pending).toBe(10);
  });

  it('starts over when the mapping that produced the cursor changed', async () => {
    await store.cursors.set({
      connection: 'jira',
      stream: 'issue',
      cursorValue: '10',
      mappingHash: 'a'.repeat(64),
      updatedAt: T0,
    });
    const same = await runPollPass(store, 'jira', stream(), {
      startedAt: T0,
      mappingHash: 'a'.repeat(64),
    });
    expect(same.pages).toBe(0);
    const changed = await runPollPass(store, 'jira', stream(), {
      startedAt: T0,
      mappingHash: 'b'.repeat(64),
    });
    expect(changed).toMatchObject({ pages: 4, events: 0, duplicates: 10 });
    expect((await store.cursors.get('jira', 'issue'))?.mappingHash).toBe('b'.repeat(64));
  });
});
