import { runPollPass } from '../../../src/ingest/index.js';
import { createStore } from '../../../src/store/index.js';
import { SIM_ACCOUNT_ID } from '../../../connectors/jira/simulator.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { startJira } from './harness.js';

/**
 * JQL reads `updated >= "yyyy/MM/dd HH:mm"` in the account's time zone. With the
 * connector told the right zone an edit made after the first pass is found; told UTC
 * while the account is in Los Angeles, the same query would start eight hours late.
 */

describeEachDatabase('jira poll in the account time zone', (dialect) => {
  const db = useTestDatabase(dialect);
  let t = Date.parse('2026-03-02T20:00:00Z');
  const now = () => (t += 1000);

  test.each([
    ['America/Los_Angeles', 1],
    ['UTC', 0],
  ] as const)('connector timeZone %s finds %i edit(s)', async (timeZone, expected) => {
    const ctx = await startJira(
      { now, timeZone: 'America/Los_Angeles' },
      { timeZone, overlapSeconds: 60 },
    );
    try {
      const store = createStore(db.get());
      const connection = `tz-${timeZone.replace('/', '-').toLowerCase()}`;
      const stream = ctx.jira.streams[0]!;
      const issue = ctx.sim.state.createIssue(
        { project: 'OPS', issueType: 'Change', summary: 'x' },
        SIM_ACCOUNT_ID,
      );
      // The first pass has no cursor: it reads from the epoch and sees the issue either way.
      expect(
        (await runPollPass(store, connection, stream, { startedAt: new Date(t + 1000) })).events,
      ).toBe(1);
      t += 10 * 60_000;
      ctx.sim.state.updateIssue(issue, [], () => (issue.summary = 'y'), SIM_ACCOUNT_ID);
      const pass = await runPollPass(store, connection, stream, { startedAt: new Date(t + 1000) });
      expect(pass.events).toBe(expected);
    } finally {
      await ctx.sim.stop();
    }
  });
});
