import type { WriteCommand } from '../../../src/model/index.js';
import { NOTE_MARKER } from '../../../connectors/gitlab/index.js';
import { startWorld, type GitLabWorld } from './support.js';

/** Write-backs against the simulator: the first call writes, an identical second one does not. */
describe('GitLab write-back', () => {
  let world: GitLabWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.sim.close());

  const writes = () => world.sim.requests.filter((r) => !r.startsWith('GET '));
  const cmd = (operation: string, target: string, payload: unknown): WriteCommand => ({
    operation,
    target,
    payload,
    idempotencyKey: `${operation}:${target}:${JSON.stringify(payload)}`,
  });
  const openMr = () => {
    const { state } = world.sim;
    const p = state.project('acme/payments');
    return state.openMergeRequest(p.id, {
      title: 'CHG0030200 tune',
      sourceBranch: `b-${state.nextId()}`,
      authorId: world.seed.developer.id,
    });
  };
  /** Runs a command twice; returns the writes each run made and the second outcome. */
  async function twice(command: WriteCommand) {
    const w0 = writes().length;
    const first = await world.connector.execute(command);
    const w1 = writes().length;
    const second = await world.connector.execute(command);
    return { first, second, firstWrites: w1 - w0, secondWrites: writes().length - w1 };
  }

  it('commit status on the MR head: written once, then skipped', async () => {
    const mr = openMr();
    const r = await twice(
      cmd('gitlab.commit_status', `acme/payments@${mr.sha}`, {
        project: 'acme/payments',
        sha: mr.sha,
        state: 'failed',
        description: 'No approved change linked',
      }),
    );
    expect(r).toMatchObject({
      first: { outcome: 'done' },
      second: { outcome: 'skipped' },
      firstWrites: 1,
      secondWrites: 0,
    });
    const status = world.sim.state.statuses.at(-1)!;
    expect(status).toMatchObject({
      name: 'changebridge/governance',
      status: 'failed',
      sha: mr.sha,
    });
    // A different desired state is written again.
    const next = await world.connector.execute(
      cmd('gitlab.commit_status', `acme/payments@${mr.sha}`, {
        project: 'acme/payments',
        sha: mr.sha,
        state: 'success',
        description: 'CHG0030200 approved',
      }),
    );
    expect(next.outcome).toBe('done');
  });

  it('MR note: one note, updated in place, skipped when unchanged', async () => {
    const mr = openMr();
    const target = `acme/payments!${mr.iid}`;
    const r = await twice(
      cmd('gitlab.mr_note', target, {
        project: 'acme/payments',
        iid: mr.iid,
        body: 'Blocked: no approved change.',
      }),
    );
    expect(r).toMatchObject({
      first: { outcome: 'done' },
      second: { outcome: 'skipped' },
      firstWrites: 1,
      secondWrites: 0,
    });
    await world.connector.execute(
      cmd('gitlab.mr_note', target, {
        project: 'acme/payments',
        iid: mr.iid,
        body: 'Blocked: CHG0030200 is not approved yet.',
      }),
    );
    const notes = world.sim.state.notes.filter(
      (n) => n.mrIid === mr.iid && n.projectId === mr.projectId,
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toBe(`${NOTE_MARKER}\nBlocked: CHG0030200 is not approved yet.`);
  });

  it('external status check response: passed once, then skipped', async () => {
    const { state } = world.sim;
    const p = state.project('acme/payments');
    const rule = state.addStatusCheck(p.id, {
      name: 'changebridge',
      externalUrl: 'http://127.0.0.1:9/none',
    });
    const mr = openMr();
    const payload = {
      project: 'acme/payments',
      iid: mr.iid,
      sha: mr.sha,
      checkId: rule.id,
      status: 'passed',
    };
    const r = await twice(cmd('gitlab.status_check_response', `acme/payments!${mr.iid}`, payload));
    expect(r).toMatchObject({
      first: { outcome: 'done' },
      second: { outcome: 'skipped' },
      firstWrites: 1,
      secondWrites: 0,
    });
    expect(state.checkStatuses(mr).find((c) => c.rule.id === rule.id)?.status).toBe('passed');

    // A new answer for the same head replaces it (GitLab keeps the latest response).
    const failed = await world.connector.execute(
      cmd('gitlab.status_check_response', `acme/payments!${mr.iid}`, {
        ...payload,
        status: 'failed',
      }),
    );
    expect(failed.outcome).toBe('done');
    expect(state.checkStatuses(mr).find((c) => c.rule.id === rule.id)?.status).toBe('failed');
  });

  it('external status check response for a head the MR has moved past: skipped, not refused', async () => {
    const { state } = world.sim;
    const p = state.project('acme/payments');
    const rule = state.addStatusCheck(p.id, {
      name: 'changebridge-old-head',
      externalUrl: 'http://127.0.0.1:9/none',
    });
    const mr = openMr();
    const old = mr.sha;
    state.push(p.id, mr.sourceBranch, ['another commit'], world.seed.developer.id);
    const w0 = writes().length;
    const r = await world.connector.execute(
      cmd('gitlab.status_check_response', `acme/payments!${mr.iid}`, {
        project: 'acme/payments',
        iid: mr.iid,
        sha: old,
        checkId: rule.id,
        status: 'passed',
      }),
    );
    expect(r).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('moved on') });
    expect(writes().length).toBe(w0);
  });

  it('deployment approval: approved once, then skipped; not-blocked deployments are skipped', async () => {
    const { state } = world.sim;
    const p = state.project('acme/payments');
    const d = state.deploy(p.id, {
      environment: 'production',
      ref: 'main',
      userId: world.seed.developer.id,
      requiredApprovals: 2,
    });
    const payload = {
      project: 'acme/payments',
      deploymentId: d.id,
      status: 'approved',
      comment: 'CHG0030200 approved',
    };
    const r = await twice(cmd('gitlab.deployment_approval', `acme/payments#${d.id}`, payload));
    expect(r).toMatchObject({
      first: { outcome: 'done' },
      second: { outcome: 'skipped' },
      firstWrites: 1,
      secondWrites: 0,
    });
    expect(state.deployment(p.id, d.id).approvals).toEqual([
      expect.objectContaining({ userId: world.seed.bot.id, status: 'approved' }),
    ]);

    const running = state.deploy(p.id, {
      environment: 'staging',
      ref: 'main',
      userId: world.seed.developer.id,
    });
    const skipped = await world.connector.execute(
      cmd('gitlab.deployment_approval', `acme/payments#${running.id}`, {
        ...payload,
        deploymentId: running.id,
      }),
    );
    expect(skipped).toEqual({ outcome: 'skipped', reason: expect.stringContaining('running') });
  });

  it('refuses an invalid payload with the operation, target and field named', async () => {
    await expect(
      world.connector.execute(
        cmd('gitlab.commit_status', 'acme/payments@x', {
          project: 'acme/payments',
          sha: 'abc',
          state: 'failed',
        }),
      ),
    ).rejects.toThrow(
      /\[changebridge\/gitlab\] gitlab.commit_status payload for acme\/payments@x is invalid at sha/,
    );
    await expect(world.connector.execute(cmd('gitlab.nope', 't', {}))).rejects.toThrow(
      /unknown write operation "gitlab.nope"/,
    );
  });
});

describe('GitLab re-read', () => {
  let world: GitLabWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.sim.close());

  it('refreshes a merge request and a deployment through the API; 404 → null', async () => {
    const stream = world.connector.streams.find((s) => s.name === 'merge_request')!;
    const pages = [];
    for await (const page of stream.poll(null, { startedAt: new Date(Date.now() + 1000) }))
      pages.push(page);
    const event = pages[0]!.events[0]!;
    const p = world.sim.state.project('acme/payments');
    world.sim.state.updateMergeRequest(p.id, 1, { title: 'CHG0030999 retitled' });
    const fresh = await world.connector.reread(event);
    expect(fresh).toMatchObject({
      event: 'reread',
      externalId: 'acme/payments!1',
      payload: {
        summary: { title: 'CHG0030999 retitled' },
        keys: { changeKeys: ['CHG0030001', 'CHG0030999'] },
      },
    });

    const deployment = world.sim.state.deployments[0]!;
    const dEvents = [];
    for await (const page of world.connector.streams
      .find((s) => s.name === 'deployment')!
      .poll(null, { startedAt: new Date(Date.now() + 1000) }))
      dEvents.push(...page.events);
    world.sim.state.setDeploymentStatus(p.id, deployment.id, 'success');
    expect(
      await world.connector.reread(
        dEvents.find((e) => e.externalId?.endsWith(`/${deployment.id}`))!,
      ),
    ).toMatchObject({ payload: { summary: { status: 'success' } } });

    const gone = {
      ...event,
      payload: { ...(event.payload as object), summary: { project: 'acme/payments', iid: 999 } },
    };
    expect(await world.connector.reread(gone)).toBeNull();
  });
});
