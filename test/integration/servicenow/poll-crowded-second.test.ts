import { runPollPass } from '../../../src/ingest/index.js';
import type { PollPage, PollStream } from '../../../src/model/index.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { createServiceNowConnector, decodeCursor } from '../../../connectors/servicenow/index.js';
import { DEFAULT_SIM_USER } from '../../../connectors/servicenow/simulator.js';
import {
  createHttpClientFactory,
  createNullLogger,
  ManualClock,
} from '../../../src/runtime/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { startHarness, stream, type Harness } from './harness.js';

/**
 * DESIGN §5 under stress: 10,000 change requests share one sys_updated_on second (a bulk
 * update), and while the pass pages through them records are inserted and updated. Offset
 * paging would skip rows here; paging by (sys_updated_on, sys_id) must not.
 */
const N = 10_000;
const SECOND = new Date('2026-03-01T10:00:00Z');

describeEachDatabase('ServiceNow poll: 10,000 records in one second', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Store;
  let h: Harness;
  const simClock = new ManualClock('2026-03-01T10:00:05Z');

  beforeAll(async () => {
    store = createStore(handle.get());
    h = await startHarness({ sim: { clock: simClock }, connector: { pageSize: 1000 } });
    for (let i = 0; i < N; i++) {
      h.sim.state.insert(
        'change_request',
        { short_description: `bulk ${i}` },
        { at: SECOND, silent: true },
      );
    }
  });
  afterAll(() => h.stop());

  it('one pass stores every record exactly once, with inserts and updates during paging', async () => {
    const inner = stream(h.connector, 'change_request');
    const ids = [...h.sim.state.table('change_request').keys()].sort();
    const inserted: string[] = [];
    const updatedUnread: string[] = [];
    const updatedRead: string[] = [];
    let pages = 0;
    // Mutate the instance between pages, as users and other integrations would.
    const mutating: PollStream = {
      name: inner.name,
      async *poll(cursor, options): AsyncIterable<PollPage> {
        for await (const page of inner.poll(cursor, options)) {
          yield page;
          pages += 1;
          if (pages > 6) continue;
          simClock.advance(1000);
          const readUpTo = page.events.at(-1)?.externalId ?? '';
          // Rows not read yet move to a later second: they must be read, once, there.
          const unread = ids.filter((id) => id > readUpTo && !updatedUnread.includes(id)).slice(-3);
          for (const id of unread) {
            h.sim.state.update('change_request', id, { short_description: 'edited before read' });
            updatedUnread.push(id);
          }
          // Rows already read change again: their new version is a second, distinct event.
          const read = ids.filter((id) => id <= readUpTo && !updatedRead.includes(id)).slice(0, 2);
          for (const id of read) {
            h.sim.state.update('change_request', id, { short_description: 'edited after read' });
            updatedRead.push(id);
          }
          // New rows, including one in the crowded second with a sys_id below the cursor.
          inserted.push(h.sim.state.insert('change_request', { short_description: 'new' }).sys_id!);
          inserted.push(
            h.sim.state.insert(
              'change_request',
              { short_description: 'late commit' },
              { at: SECOND, sysId: '0'.repeat(31) + String(pages) },
            ).sys_id!,
          );
        }
      },
    };
    const startedAt = simClock.now();
    const result = await runPollPass(store, 'servicenow', mutating, { startedAt });

    // Late commits into an already-read stretch of the crowded second are below the
    // cursor: this pass cannot see them; the next pass's overlap window does (below).
    const late = inserted.filter((id) => id.startsWith('0'.repeat(31)));
    const visible = N + inserted.length - late.length;
    expect(result.duplicates).toBe(0);
    expect(result.events).toBe(visible + updatedRead.length);
    const counts = await store.inbox.counts();
    expect(counts.pending).toBe(visible + updatedRead.length);

    const rows = await store.db.run((m) =>
      m.query('SELECT external_id AS id, COUNT(*) AS n FROM inbox_events GROUP BY external_id'),
    );
    const perId = new Map<string, number>(
      (rows as { id: string; n: number | string }[]).map((r) => [r.id, Number(r.n)]),
    );
    expect(perId.size).toBe(visible);
    for (const id of updatedUnread) expect(perId.get(id)).toBe(1);
    for (const id of updatedRead) expect(perId.get(id)).toBe(2);

    // The stored cursor stops at the signpost: the next pass (with an overlap window)
    // re-reads from there and picks up the late commits; duplicates are dropped.
    const cursor = await store.cursors.get('servicenow', 'change_request');
    expect(decodeCursor(cursor!.cursorValue, 'change_request')).toEqual({
      ts: '2026-03-01 10:00:05',
      id: '',
    });
    const withOverlap = createServiceNowConnector(
      {
        baseUrl: h.sim.url,
        auth: {
          type: 'basic',
          username: DEFAULT_SIM_USER.userName,
          password: DEFAULT_SIM_USER.password,
        },
        overlapSeconds: 60,
      },
      {
        http: createHttpClientFactory({ defaults: { intervalCap: 0 }, logger: createNullLogger() }),
      },
    );
    const next = await runPollPass(store, 'servicenow', stream(withOverlap, 'change_request'), {
      startedAt: simClock.now(),
    });
    expect(next.events).toBe(late.length);
    expect(next.duplicates).toBe(N + inserted.length - late.length);
  }, 180_000);
});
