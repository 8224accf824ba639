import type { GitHubSimulator } from '../../../connectors/github/simulator/index.js';
import { runPollPass } from '../../../src/ingest/index.js';
import { ManualClock } from '../../../src/runtime/index.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { connectorFor, startSim } from './support.js';

/** Polling PRs and deployments from the simulator into the inbox through runPollPass. */
describeEachDatabase('GitHub poll', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Store;
  let sim: GitHubSimulator;
  const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
  beforeAll(async () => {
    store = createStore(handle.get());
    sim = await startSim({ clock });
    sim.state.createRepo('acme/payments');
    sim.state.createRepo('acme/web');
    for (let i = 0; i < 105; i++) {
      sim.state.openPullRequest('acme/payments', {
        title: `CHG${String(30000 + i).padStart(7, '0')} change ${i}`,
        head: `f/${i}`,
        author: 'alice',
      });
      clock.advance(1000);
    }
    sim.state.submitReview('acme/payments', 3, { reviewer: 'bob', state: 'APPROVED' });
    sim.state.openPullRequest('acme/web', { title: 'OPS-1 web', head: 'ops-1', author: 'carol' });
    const d = sim.state.createDeployment('acme/payments', {
      ref: 'main',
      environment: 'production',
      creator: 'deployer',
      description: 'CHG0030001',
    });
    sim.state.addDeploymentStatus('acme/payments', d.id, {
      state: 'in_progress',
      creator: 'deployer',
    });
    clock.advance(60_000);
  });
  afterAll(() => sim.close());

  const streams = () => connectorFor(sim, { repositories: ['acme/payments', 'acme/web'] }).streams;
  const stream = (name: string) => streams().find((s) => s.name === name)!;

  it('reads every PR of every repository across pages, then only what changed', async () => {
    const first = await runPollPass(store, 'gh', stream('pull_request'), {
      startedAt: clock.now(),
    });
    expect(first.events).toBe(106);
    expect(first.pages).toBeGreaterThanOrEqual(3); // 50 per page, cursor stored with each
    const again = await runPollPass(store, 'gh', stream('pull_request'), {
      startedAt: clock.now(),
    });
    expect(again.events).toBe(0);

    clock.advance(5 * 60_000);
    sim.state.editPullRequest('acme/payments', 7, { title: 'CHG0030099 retitled' });
    sim.state.mergePullRequest('acme/payments', 8, 'bob');
    clock.advance(1000);
    const changed = await runPollPass(store, 'gh', stream('pull_request'), {
      startedAt: clock.now(),
    });
    expect(changed.events).toBe(2);
  });

  it('carries reviews and keys in the polled record', async () => {
    const rows = await store.inbox.claim({
      workerId: 'poll-test',
      limit: 500,
      leaseMs: 60_000,
      now: new Date(),
    });
    const pr3 = rows.find((r) => r.externalId === 'acme/payments#3');
    const record = (
      pr3?.payload as {
        record: {
          reviews: { reviewer: string; verdict: string }[];
          linkedKeys: { changeKeys: string[] };
        };
      }
    ).record;
    expect(record.reviews).toEqual([
      expect.objectContaining({ reviewer: 'bob', verdict: 'approved' }),
    ]);
    expect(record.linkedKeys.changeKeys).toEqual(['CHG0030002']);
  });

  it('picks up a new status on an existing deployment', async () => {
    const first = await runPollPass(store, 'gh', stream('deployment'), { startedAt: clock.now() });
    expect(first.events).toBe(1);
    clock.advance(10 * 60_000);
    const d = sim.state.deployments.get('acme/payments')![0]!;
    sim.state.addDeploymentStatus('acme/payments', d.id, { state: 'success', creator: 'deployer' });
    clock.advance(1000);
    const next = await runPollPass(store, 'gh', stream('deployment'), { startedAt: clock.now() });
    expect(next.events).toBe(1);
    const rows = await store.inbox.claim({
      workerId: 'poll-test-2',
      limit: 50,
      leaseMs: 60_000,
      now: new Date(),
    });
    const statuses = rows
      .filter((r) => r.kind === 'deployment')
      .map((r) => (r.payload as { record: { status: string } }).record.status);
    expect(statuses.sort()).toEqual(['in_progress', 'success']);
  });

  it('never advances the cursor past the start of the run', async () => {
    const startedAt = clock.now();
    clock.advance(60_000);
    sim.state.editPullRequest('acme/web', 1, { body: 'after the run began' });
    await runPollPass(store, 'gh', stream('pull_request'), { startedAt });
    const stored = await store.cursors.get('gh', 'pull_request');
    const decoded = JSON.parse(Buffer.from(stored!.cursorValue, 'base64url').toString()) as {
      repos: Record<string, { at: string }>;
    };
    expect(Date.parse(decoded.repos['acme/web']!.at)).toBeLessThanOrEqual(startedAt.getTime());
  });

  it('a failure mid-pass keeps what was committed; the next pass resumes without loss', async () => {
    clock.advance(10 * 60_000);
    sim.state.editPullRequest('acme/payments', 9, { title: 'CHG0030009 again' });
    sim.state.editPullRequest('acme/web', 1, { title: 'OPS-1 web again' });
    clock.advance(1000);
    sim.faults.add({ kind: 'status', status: 502, path: '/repos/acme/web/pulls', times: 3 });
    await expect(
      runPollPass(store, 'gh', stream('pull_request'), { startedAt: clock.now() }),
    ).rejects.toThrow(/502/);
    const resumed = await runPollPass(store, 'gh', stream('pull_request'), {
      startedAt: clock.now(),
    });
    expect(resumed.events).toBe(1); // acme/web; acme/payments' page was already committed
  });
});
