import { InboxEventEntity, createStore, type Store } from '../../../src/store/index.js';
import { runPollPass } from '../../../src/ingest/index.js';
import { pollDeliveryKey } from '../../../src/model/index.js';
import { seedJira } from '../../../connectors/jira/simulator-seed.js';
import { SIM_ACCOUNT_ID } from '../../../connectors/jira/simulator.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { startJira } from './harness.js';

/**
 * 5,000 issues seeded in-process, polled through HTTP. While the connector pages, other
 * "users" edit issues it has already read: those jump to the end of the `updated` order
 * and shift the rest forward (the simulator's page token is a plain position, as bad as
 * it can get). Every issue's latest version must reach the inbox exactly once.
 */

const ISSUES = 5000;

describeEachDatabase('jira incremental poll over 5,000 issues', (dialect) => {
  const db = useTestDatabase(dialect);
  let t = Date.parse('2026-03-02T09:00:00Z');
  // Each change is stamped 2 s after the previous one: 5,000 issues span about three hours.
  const now = () => (t += 2000);
  let ctx: Awaited<ReturnType<typeof startJira>>;
  let store: Store;

  beforeAll(async () => {
    ctx = await startJira(
      { now },
      { overlapSeconds: 120, startFrom: new Date('2026-03-01T00:00:00Z') },
    );
    seedJira(ctx.sim.state, { seed: 42, issues: ISSUES, projects: ['OPS', 'PAY'] });
    // One issue with a long history: search returns only 20 entries of it.
    const long = ctx.sim.state.find('OPS-1')!;
    for (let i = 0; i < 25; i++) {
      ctx.sim.state.updateIssue(
        long,
        [
          {
            field: 'summary',
            fieldtype: 'jira',
            fieldId: 'summary',
            from: null,
            fromString: long.summary,
            to: null,
            toString: `v${i}`,
          },
        ],
        () => (long.summary = `v${i}`),
        SIM_ACCOUNT_ID,
      );
    }
    store = createStore(db.get());
  });
  afterAll(async () => ctx.sim.stop());

  const inboxKeys = async (): Promise<string[]> =>
    (
      await db
        .get()
        .dataSource.getRepository(InboxEventEntity)
        .find({ select: { deliveryKey: true } })
    ).map((r) => r.deliveryKey);

  const expectLatestVersionsInInbox = async () => {
    const keys = new Set(await inboxKeys());
    const missing = [...ctx.sim.state.issues.values()].filter(
      (i) => !keys.has(pollDeliveryKey('issue', i.id, new Date(i.updated).toISOString())),
    );
    expect(missing.map((i) => i.key)).toEqual([]);
  };

  // 5,000 issues reach the inbox one statement each: about 20 s on MariaDB alone, more on a
  // busy CI machine, so this test has its own timeout (the default is 30 s).
  test('first pass reads every issue once, despite edits while paging', async () => {
    let searches = 0;
    const edited: string[] = [];
    ctx.sim.beforeHandle = (method, path) => {
      if (path !== '/rest/api/3/search/jql') return;
      searches += 1;
      // Every third page, edit two issues from the start of the order (already read).
      if (searches % 3 === 0 && searches < 60) {
        t += 1000;
        for (const id of [String(10000 + searches), String(10000 + searches * 7)]) {
          const issue = ctx.sim.state.issues.get(id)!;
          ctx.sim.state.updateIssue(
            issue,
            [],
            () => issue.labels.push(`edit${searches}`),
            SIM_ACCOUNT_ID,
          );
          edited.push(issue.key);
        }
      }
    };
    const result = await runPollPass(store, 'jira', ctx.jira.streams[0]!, {
      startedAt: new Date(t + 60_000),
    });
    ctx.sim.beforeHandle = undefined;
    expect(edited.length).toBeGreaterThan(20);
    await expectLatestVersionsInInbox();
    const keys = await inboxKeys();
    expect(new Set(keys).size).toBe(keys.length);
    // Every stored event is a distinct (issue, updated) version.
    expect(result.events).toBe(keys.length);
    expect(result.events).toBeGreaterThanOrEqual(ISSUES);

    const row = await db
      .get()
      .dataSource.getRepository(InboxEventEntity)
      .findOneByOrFail({
        deliveryKey: pollDeliveryKey(
          'issue',
          ctx.sim.state.find('OPS-1')!.id,
          new Date(ctx.sim.state.find('OPS-1')!.updated).toISOString(),
        ),
      });
    const payload = row.payload as { changelog: { histories: unknown[]; total: number } };
    expect(payload.changelog.histories).toHaveLength(25);
  }, 120_000);

  test('a second pass with no changes stores nothing new; edits come through once', async () => {
    t += 5 * 60_000;
    const quiet = await runPollPass(store, 'jira', ctx.jira.streams[0]!, {
      startedAt: new Date(t),
    });
    expect(quiet.events).toBe(0);

    t += 1000;
    for (const key of ['OPS-3', 'PAY-4', 'OPS-5']) {
      const issue = ctx.sim.state.find(key)!;
      ctx.sim.state.updateIssue(
        issue,
        [],
        () => (issue.summary = `${issue.summary}!`),
        SIM_ACCOUNT_ID,
      );
    }
    t += 1000;
    const before = (await inboxKeys()).length;
    const pass = await runPollPass(store, 'jira', ctx.jira.streams[0]!, { startedAt: new Date(t) });
    expect(pass.events).toBe(3);
    expect((await inboxKeys()).length).toBe(before + 3);
    await expectLatestVersionsInInbox();
  });

  test('a corrupted cursor is refused with a clear message', async () => {
    const stream = ctx.jira.streams[0]!;
    const it = stream.poll('not-a-cursor', { startedAt: new Date(t) })[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toThrow(
      /stored cursor of the jira issue stream is not a valid Jira cursor/,
    );
  });
});

describe('jira poll round trips', () => {
  it('asks for the next page as soon as a page arrives, one page ahead and no more', async () => {
    const ctx = await startJira({}, { startFrom: new Date('2000-01-01T00:00:00Z') });
    try {
      seedJira(ctx.sim.state, { seed: 7, issues: 250, projects: ['OPS', 'PAY'] });
      const searches: number[] = [];
      ctx.sim.beforeHandle = (_method, path) => {
        if (path === '/rest/api/3/search/jql') searches.push(Date.now());
      };
      const pages = ctx.jira.streams[0]!.poll(null, { startedAt: new Date('2100-01-01') });
      const it = pages[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first.value?.events).toHaveLength(100);
      // Nobody has asked for the second page yet: it was asked for when the first arrived.
      const deadline = Date.now() + 1000;
      while (searches.length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      expect(searches).toHaveLength(2);
      const rest: number[] = [];
      for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value.events.length);
      expect(rest).toEqual([100, 50]);
      // Three pages, three searches: the last page (isLast) asks for nothing more.
      expect(searches).toHaveLength(3);
    } finally {
      ctx.sim.beforeHandle = undefined;
      await ctx.sim.stop();
    }
  });
});
