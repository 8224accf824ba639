import { seedJira } from '../../../connectors/jira/simulator-seed.js';
import { seedServiceNow, type SeedResult } from '../../../connectors/servicenow/simulator-seed.js';
import { createPollJob, pollAll } from '../../../src/ingest/index.js';
import { createMemoryLogger, ManualClock } from '../../../src/runtime/index.js';
import { createStore, InboxEventEntity, type Store } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { startJira } from '../jira/harness.js';
import { startHarness, type Harness } from '../servicenow/harness.js';

const JIRA_ISSUES = 30;

describeEachDatabase('pollAll over ServiceNow and Jira', (dialect) => {
  const handle = useTestDatabase(dialect);
  const clock = new ManualClock('2026-03-05T00:00:00Z');
  let sn: Harness;
  let jira: Awaited<ReturnType<typeof startJira>>;
  let seeded: SeedResult;
  let store: Store;
  const logs = createMemoryLogger({ clock });

  beforeAll(async () => {
    store = createStore(handle.get());
    sn = await startHarness({
      sim: { clock },
      connector: { pageSize: 7 },
      http: { maxRetries: 1 },
    });
    seeded = seedServiceNow(sn.sim.state, { seed: 3, changes: 20 });
    let t = Date.parse('2026-03-01T09:00:00Z');
    jira = await startJira({ now: () => (t += 2000) }, { pageSize: 8 }, { maxRetries: 1 });
    seedJira(jira.sim.state, { seed: 5, issues: JIRA_ISSUES, projects: ['OPS', 'PAY'] });
  });
  afterAll(async () => {
    await sn.stop().catch(() => undefined); // the last test stops it already
    await jira.sim.stop();
  });

  const run = () =>
    pollAll({ store, connectors: [sn.connector, jira.jira], clock, logger: logs.logger });

  const stored = async () => {
    const rows = await handle
      .get()
      .dataSource.getRepository(InboxEventEntity)
      .find({ select: { connection: true, kind: true, externalId: true } });
    return rows.map((r) => `${r.connection}/${r.kind}/${r.externalId}`);
  };

  it('stores every seeded record once, and a second pass stores nothing new', async () => {
    const first = await run();
    expect(first).toEqual([
      {
        connection: 'servicenow',
        stream: 'change_request',
        events: 20,
        duplicates: 0,
        pages: expect.any(Number),
      },
      {
        connection: 'servicenow',
        stream: 'sysapproval_approver',
        events: seeded.approvals.length,
        duplicates: 0,
        pages: expect.any(Number),
      },
      {
        connection: 'servicenow',
        stream: 'incident',
        events: seeded.incidents.length,
        duplicates: 0,
        pages: expect.any(Number),
      },
      {
        connection: 'jira',
        stream: 'issue',
        events: JIRA_ISSUES,
        duplicates: 0,
        pages: expect.any(Number),
      },
    ]);
    const keys = await stored();
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(
      [
        ...seeded.changes.map((id) => `servicenow/change_request/${id}`),
        ...seeded.approvals.map((id) => `servicenow/sysapproval_approver/${id}`),
        ...seeded.incidents.map((id) => `servicenow/incident/${id}`),
        ...[...jira.sim.state.issues.values()].map((i) => `jira/issue/${i.key}`),
      ].sort(),
    );

    clock.advance(5 * 60_000);
    const second = await run();
    expect(second.map((r) => [r.stream, r.events, r.error])).toEqual([
      ['change_request', 0, undefined],
      ['sysapproval_approver', 0, undefined],
      ['incident', 0, undefined],
      ['issue', 0, undefined],
    ]);
    expect(await stored()).toHaveLength(keys.length);
  });

  it('a system that is down fails alone: the other still syncs', async () => {
    await sn.stop();
    seedJira(jira.sim.state, { seed: 6, issues: 1, projects: ['OPS'] });
    clock.advance(5 * 60_000);
    const results = await run();
    expect(results.map((r) => [r.connection, r.stream, r.events])).toEqual([
      ['servicenow', 'change_request', 0],
      ['servicenow', 'sysapproval_approver', 0],
      ['servicenow', 'incident', 0],
      ['jira', 'issue', 1],
    ]);
    for (const r of results.slice(0, 3)) expect(r.error).toMatch(/ECONNREFUSED|connect/i);
    expect(results[3]!.error).toBeUndefined();
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({
        event: 'poll.stream_failed',
        level: 'error',
        connection: 'servicenow',
        stream: 'incident',
        error: results[2]!.error,
      }),
    );
    // As the poll schedule's job, the run fails and names each failed stream.
    const job = createPollJob({
      store,
      connectors: [sn.connector, jira.jira],
      clock,
      logger: logs.logger,
      cron: '*/5 * * * *',
      leaseMs: 600_000,
    });
    await expect(job.run(new AbortController().signal)).rejects.toThrow(
      /^\[changebridge\/poll\] 3 stream\(s\) failed: servicenow\/change_request: .*; servicenow\/sysapproval_approver: .*; servicenow\/incident: /,
    );
  });
});
