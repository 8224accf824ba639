import { runPollPass } from '../../../src/ingest/index.js';
import { ManualClock } from '../../../src/runtime/index.js';
import { createStore, type Store } from '../../../src/store/index.js';
import type { GitLabEventPayload, MergeRequestSummary } from '../../../connectors/gitlab/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { startWorld, type GitLabWorld } from './support.js';

describeEachDatabase('GitLab poll', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Store;
  let world: GitLabWorld;
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  const streamOf = (name: string) => world.connector.streams.find((s) => s.name === name)!;

  beforeAll(async () => {
    store = createStore(handle.get());
    world = await startWorld({
      sim: { clock },
      connector: { poll: { perPage: 2 } },
      mergeRequests: 5,
    });
  });
  afterAll(() => world.sim.close());

  it('reads every MR and deployment of the project, page by page, and stores the cursor', async () => {
    clock.advance(60_000);
    const mrs = await runPollPass(store, 'gl', streamOf('merge_request'), {
      startedAt: clock.now(),
    });
    expect(mrs).toMatchObject({ pages: 3, events: 5, duplicates: 0 });
    const deployments = await runPollPass(store, 'gl', streamOf('deployment'), {
      startedAt: clock.now(),
    });
    expect(deployments).toMatchObject({ pages: 1, events: 2, duplicates: 0 });
    const cursor = JSON.parse((await store.cursors.get('gl', 'merge_request'))!.cursorValue) as {
      projects: Record<string, { at: string }>;
    };
    expect(cursor.projects['acme/payments']!.at).toBe('2026-03-02T09:00:00.000Z');
  });

  it('events carry the summary and the keys from title, branch and description', async () => {
    const pages = [];
    for await (const page of streamOf('merge_request').poll(null, { startedAt: clock.now() }))
      pages.push(page);
    const event = pages.flatMap((p) => p.events).find((e) => e.externalId === 'acme/payments!1')!;
    const payload = event.payload as GitLabEventPayload<MergeRequestSummary>;
    expect(event).toMatchObject({
      kind: 'merge_request',
      event: 'poll',
      source: 'gitlab:gl',
      thin: false,
    });
    expect(event.deliveryKey).toBe('merge_request:acme/payments!1@2026-03-02T09:00:00.000Z');
    expect(payload.summary).toMatchObject({
      project: 'acme/payments',
      iid: 1,
      state: 'merged',
      targetBranch: 'main',
    });
    expect(payload.keys).toEqual({ changeKeys: ['CHG0030001'], issueKeys: ['OPS-101'] });
  });

  it('a second pass re-reads the overlap as duplicates; a changed MR is a new event', async () => {
    const again = await runPollPass(store, 'gl', streamOf('merge_request'), {
      startedAt: clock.now(),
    });
    expect(again).toMatchObject({ events: 0, duplicates: 5 });

    clock.advance(10 * 60_000);
    const p = world.sim.state.project('acme/payments');
    world.sim.state.updateMergeRequest(p.id, 2, { title: 'CHG0030002 retitled' });
    clock.advance(60_000);
    const third = await runPollPass(store, 'gl', streamOf('merge_request'), {
      startedAt: clock.now(),
    });
    expect(third).toMatchObject({ events: 1 });
    const cursor = JSON.parse(third.cursor!) as {
      projects: Record<string, { at: string; id: number }>;
    };
    expect(cursor.projects['acme/payments']!.at).toBe('2026-03-02T09:11:00.000Z');
  });

  it('never advances the cursor past the signpost (startedAt)', async () => {
    const p = world.sim.state.project('acme/payments');
    clock.advance(60_000);
    world.sim.state.updateMergeRequest(p.id, 3, { title: 'edited after the run started' });
    const startedAt = new Date(clock.now().getTime() - 30_000);
    const pass = await runPollPass(store, 'gl', streamOf('merge_request'), { startedAt });
    const cursor = JSON.parse(pass.cursor!) as { projects: Record<string, { at: string }> };
    expect(cursor.projects['acme/payments']!.at).toBe(startedAt.toISOString());
  });

  it('rejects a cursor it did not write, naming the stream and the fix', async () => {
    const iterate = async () => {
      for await (const _ of streamOf('deployment').poll('{"v":2}', { startedAt: clock.now() }))
        void _;
    };
    await expect(iterate()).rejects.toThrow(
      /stored cursor of stream "deployment" is not a GitLab cursor/,
    );
  });
});
