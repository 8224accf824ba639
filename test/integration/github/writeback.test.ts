import type { GitHubSimulator } from '../../../connectors/github/simulator/index.js';
import { COMMENT_MARKER } from '../../../connectors/github/options.js';
import { connectorFor, startSim, writeCount } from './support.js';

/** Write-back against the simulator: each write once, a repeated desired state writes nothing. */
describe('GitHub write-back', () => {
  let sim: GitHubSimulator;
  beforeAll(async () => {
    sim = await startSim();
    sim.state.createRepo('acme/payments');
    sim.state.openPullRequest('acme/payments', {
      title: 'CHG0030001 retry budget',
      head: 'feature/ops-1',
      author: 'alice',
    });
  });
  afterAll(() => sim.close());
  const head = () => sim.state.pull('acme/payments', 1).head.sha;

  it('commit status: second identical desired state → zero writes; a change → one write', async () => {
    const gh = connectorFor(sim);
    const cmd = {
      operation: 'github.status',
      target: `acme/payments@${head()}`,
      idempotencyKey: 'k1',
      payload: { state: 'failure', description: 'CHG0030001 is not approved' },
    };
    const before = writeCount(sim);
    expect(await gh.execute(cmd)).toEqual({ outcome: 'done' });
    expect(writeCount(sim)).toBe(before + 1);
    expect(await gh.execute(cmd)).toMatchObject({ outcome: 'skipped' });
    expect(writeCount(sim)).toBe(before + 1);
    await gh.execute({ ...cmd, payload: { state: 'success', description: 'CHG0030001 approved' } });
    expect(writeCount(sim)).toBe(before + 2);
    const latest = sim.state.commitStatuses.get(`acme/payments@${head()}`)![0]!;
    expect(latest).toMatchObject({ context: 'changebridge/governance', state: 'success' });
  });

  it('commit status: long descriptions are cut to GitHub’s 140 characters, then still idempotent', async () => {
    const gh = connectorFor(sim);
    const cmd = {
      operation: 'github.status',
      target: `acme/payments@${head()}`,
      idempotencyKey: 'k2',
      payload: { state: 'pending', description: 'x'.repeat(300) },
    };
    expect(await gh.execute(cmd)).toEqual({ outcome: 'done' });
    const before = writeCount(sim);
    expect(await gh.execute(cmd)).toMatchObject({ outcome: 'skipped' });
    expect(writeCount(sim)).toBe(before);
  });

  it('PR comment: only when blocking, one comment updated in place, unchanged → zero writes', async () => {
    const gh = connectorFor(sim);
    const target = 'acme/payments#1';
    const quiet = await gh.execute({
      operation: 'github.comment',
      target,
      idempotencyKey: 'c0',
      payload: { blocking: false, body: 'All good.' },
    });
    expect(quiet).toMatchObject({ outcome: 'skipped' });
    const before = writeCount(sim);
    await gh.execute({
      operation: 'github.comment',
      target,
      idempotencyKey: 'c1',
      payload: { blocking: true, body: 'Blocked: CHG0030001 not approved.' },
    });
    expect(
      await gh.execute({
        operation: 'github.comment',
        target,
        idempotencyKey: 'c1',
        payload: { blocking: true, body: 'Blocked: CHG0030001 not approved.' },
      }),
    ).toMatchObject({ outcome: 'skipped' });
    await gh.execute({
      operation: 'github.comment',
      target,
      idempotencyKey: 'c2',
      payload: { blocking: false, body: 'Resolved: CHG0030001 approved.' },
    });
    expect(writeCount(sim)).toBe(before + 2);
    const comments = sim.state.comments.get(target)!;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toBe(`${COMMENT_MARKER}\nResolved: CHG0030001 approved.`);
  });

  it('check run: only as an App; created once, updated in place, identical → zero writes', async () => {
    const token = connectorFor(sim);
    const payload = {
      conclusion: 'failure',
      title: 'Not approved',
      summary: 'CHG0030001 awaits approval',
    };
    const cmd = {
      operation: 'github.check_run',
      target: `acme/payments@${head()}`,
      idempotencyKey: 'r1',
      payload,
    };
    expect(await token.execute(cmd)).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/App/),
    });
    const app = connectorFor(sim, { app: true });
    const before = writeCount(sim);
    expect(await app.execute(cmd)).toMatchObject({ outcome: 'done' });
    expect(await app.execute(cmd)).toMatchObject({ outcome: 'skipped' });
    expect(writeCount(sim)).toBe(before + 1);
    await app.execute({
      ...cmd,
      payload: { ...payload, conclusion: 'success', title: 'Approved' },
    });
    expect(writeCount(sim)).toBe(before + 2);
    const runs = sim.state.checkRuns.get('acme/payments')!;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('deployment protection rule: answered once through the callback with the installation token', async () => {
    const req = sim.state.requestProtectionRule('acme/payments', {
      environment: 'production',
      ref: 'main',
      apiUrl: sim.url,
    });
    const app = connectorFor(sim, { app: true });
    const cmd = {
      operation: 'github.deployment_review',
      target: `acme/payments/actions/runs/${req.runId}`,
      idempotencyKey: 'p1',
      payload: {
        environment: 'production',
        state: 'rejected',
        comment: 'CHG0030001 is not approved (approval-required).',
        installationId: req.installationId,
      },
    };
    const before = writeCount(sim);
    expect(await app.execute(cmd)).toEqual({ outcome: 'done' });
    expect(await app.execute(cmd)).toMatchObject({ outcome: 'skipped' });
    expect(writeCount(sim)).toBe(before + 1);
    expect(req.answer).toMatchObject({
      state: 'rejected',
      comment: expect.stringMatching(/CHG0030001/),
    });
  });

  it('rejects malformed commands with a message naming the fix', async () => {
    const gh = connectorFor(sim);
    await expect(
      gh.execute({
        operation: 'github.status',
        target: 'nope',
        idempotencyKey: 'x',
        payload: { state: 'success', description: 'd' },
      }),
    ).rejects.toThrow(/\[changebridge\/github\] write target "nope" is not owner\/repo@sha/);
    await expect(
      gh.execute({
        operation: 'github.status',
        target: `acme/payments@${head()}`,
        idempotencyKey: 'x',
        payload: { state: 'green' },
      }),
    ).rejects.toThrow(/invalid payload at state/);
    await expect(
      gh.execute({ operation: 'github.merge', target: 'a/b@c', idempotencyKey: 'x', payload: {} }),
    ).rejects.toThrow(/unknown write operation/);
  });
});
