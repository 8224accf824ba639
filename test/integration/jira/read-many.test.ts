import { resolve } from 'node:path';
import { seedJira } from '../../../connectors/jira/simulator-seed.js';
import { SIM_ACCOUNT_ID, type JiraSimulatorOptions } from '../../../connectors/jira/simulator.js';
import { loadMappings } from '../../../src/mapping/load-files.js';
import type { SourceEvent } from '../../../src/model/index.js';
import { startJira } from './harness.js';

/**
 * Reconciliation's batched fresh read against the Jira simulator over loopback HTTP: one
 * enhanced search per 100 keys, events shaped like polled ones (the same mapping gives the
 * same patch), deleted and unknown keys absent — even though Jira answers 400 to a query
 * naming them.
 */

const mappings = loadMappings(resolve('mappings'));
const mapped = (e: SourceEvent) => mappings.get('jira', 'issue', null)!.map(e.payload).patch;

let ctx: Awaited<ReturnType<typeof startJira>>;
afterEach(() => ctx.sim.stop());

async function world(sim: JiraSimulatorOptions = {}) {
  let t = Date.parse('2026-03-02T09:00:00Z');
  ctx = await startJira({ now: () => (t += 1000), ...sim }, { startFrom: new Date(0) });
  seedJira(ctx.sim.state, { seed: 7, issues: 250, projects: ['OPS', 'PAY'] });
  // A long history: search returns 20 entries, the rest is paged like the poll does.
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
}

async function pollAll(): Promise<Map<string, SourceEvent>> {
  const out = new Map<string, SourceEvent>();
  for await (const page of ctx.jira.streams[0]!.poll(null, {
    startedAt: new Date(ctx.sim.state.nowMs()),
  }))
    for (const e of page.events) out.set(e.externalId!, e);
  return out;
}

const searches = () =>
  ctx.sim.requests.filter((r) => r.path === '/rest/api/3/search/jql').map((r) => r.status);

describe('Jira readMany', () => {
  it('reads 250 issues in 3 searches, shaped like polled events', async () => {
    await world();
    const polled = await pollAll();
    expect(polled.size).toBe(250);
    expect(ctx.jira.readableKinds).toEqual(['issue']);
    ctx.sim.requests.length = 0;
    const got = await ctx.jira.readMany!('issue', [...polled.keys()]);
    expect(got.size).toBe(250);
    expect(searches()).toEqual([200, 200, 200]);
    for (const [key, before] of polled) {
      const fresh = got.get(key)!;
      expect(fresh).toMatchObject({
        system: 'jira',
        kind: 'issue',
        event: 'reconcile',
        externalId: key,
        deliveryKey: before.deliveryKey,
      });
      expect(fresh.payload).toEqual(before.payload);
      expect(mapped(fresh)).toEqual(mapped(before));
    }
    // OPS-1's 25 extra histories were paged from /changelog, as the poll does.
    const long = got.get('OPS-1')!.payload as { changelog: { histories: unknown[] } };
    expect(long.changelog.histories.length).toBeGreaterThan(20);
  });

  it('omits deleted and unknown keys: Jira answers 400 naming them, one extra search drops them', async () => {
    await world();
    const keys = [...ctx.sim.state.issues.values()]
      .map((i) => i.key)
      .filter((k) => k !== 'OPS-2')
      .slice(0, 120);
    const gone = ctx.sim.state.find(keys[3]!)!;
    ctx.sim.state.deleteIssue(gone, SIM_ACCOUNT_ID);
    ctx.sim.requests.length = 0;
    const got = await ctx.jira.readMany!('issue', [...keys, 'OPS-99999', 'not a key', 'ops-2']);
    expect(got.has(gone.key)).toBe(false);
    expect(got.has('OPS-99999')).toBe(false);
    expect(got.size).toBe(119 + 1);
    // Answered in the caller's spelling of the key.
    expect(got.get('ops-2')!.externalId).toBe('ops-2');
    expect((got.get('ops-2')!.payload as { key: string }).key).toBe('OPS-2');
    // Batch 1 (100 keys, one deleted) → 400, then 200; batch 2 (the rest) → 400, 200.
    expect(searches()).toEqual([400, 200, 400, 200]);
  });

  it('a lenient server that just finds nothing for missing keys costs no extra search', async () => {
    await world({ unknownIssuesInJql: 'ignore' });
    const keys = [...ctx.sim.state.issues.values()].map((i) => i.key).slice(0, 50);
    ctx.sim.requests.length = 0;
    const got = await ctx.jira.readMany!('issue', [...keys, 'PAY-99999']);
    expect(got.size).toBe(50);
    expect(searches()).toEqual([200]);
  });

  it('waits out a 429 with Retry-After', async () => {
    await world();
    const keys = [...ctx.sim.state.issues.values()].map((i) => i.key).slice(0, 10);
    ctx.sim.injectFault({ path: '/search/jql', status: 429, times: 1, retryAfterSeconds: 1 });
    ctx.sim.requests.length = 0;
    const t0 = Date.now();
    const got = await ctx.jira.readMany!('issue', keys);
    expect(got.size).toBe(10);
    expect(searches()).toEqual([429, 200]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('sees edits made after the poll; refuses other kinds; stops when aborted', async () => {
    await world();
    const issue = ctx.sim.state.find('PAY-3') ?? [...ctx.sim.state.issues.values()][5]!;
    ctx.sim.state.updateIssue(
      issue,
      [],
      () => (issue.summary = 'Edited after the poll'),
      SIM_ACCOUNT_ID,
    );
    const got = await ctx.jira.readMany!('issue', [issue.key]);
    expect(mapped(got.get(issue.key)!)).toMatchObject({ title: 'Edited after the poll' });
    await expect(ctx.jira.readMany!('comment', ['OPS-1'])).rejects.toThrow(/not a record kind/);
    const abort = new AbortController();
    abort.abort();
    await expect(ctx.jira.readMany!('issue', ['OPS-1'], abort.signal)).rejects.toThrow();
  });
});
