import type { GitHubSimulator } from '../../../connectors/github/simulator/index.js';
import type { SourceEvent } from '../../../src/model/index.js';
import { connectorFor, startSim } from './support.js';

/** reread: the current record through the API; null when it is gone. */
describe('GitHub reread', () => {
  let sim: GitHubSimulator;
  beforeAll(async () => {
    sim = await startSim();
    sim.state.createRepo('acme/payments');
    sim.state.openPullRequest('acme/payments', {
      title: 'old title',
      head: 'topic',
      author: 'alice',
    });
    const d = sim.state.createDeployment('acme/payments', {
      ref: 'main',
      environment: 'production',
      creator: 'bot',
    });
    sim.state.addDeploymentStatus('acme/payments', d.id, { state: 'failure', creator: 'bot' });
  });
  afterAll(() => sim.close());

  const event = (kind: string, externalId: string): SourceEvent => ({
    system: 'github',
    connection: 'gh',
    source: 'github:gh',
    deliveryKey: 'x',
    kind,
    event: 'poll',
    externalId,
    receivedAt: new Date(),
    thin: true,
    payload: null,
  });

  it('re-reads a pull request with its current title and keys', async () => {
    sim.state.editPullRequest('acme/payments', 1, { title: 'CHG0030001 new title' });
    const out = await connectorFor(sim).reread(event('pull_request', 'acme/payments#1'));
    expect(out).toMatchObject({
      thin: false,
      payload: {
        record: { title: 'CHG0030001 new title', linkedKeys: { changeKeys: ['CHG0030001'] } },
      },
    });
  });

  it('re-reads a deployment with its latest status', async () => {
    const id = sim.state.deployments.get('acme/payments')![0]!.id;
    const out = await connectorFor(sim).reread(
      event('deployment', `acme/payments/deployments/${id}`),
    );
    expect(out).toMatchObject({
      payload: { record: { status: 'failure', originalStatus: 'failure' } },
    });
  });

  it('answers null for a record that is gone (404)', async () => {
    expect(await connectorFor(sim).reread(event('pull_request', 'acme/payments#99'))).toBeNull();
  });

  it('returns other kinds unchanged', async () => {
    const push = event('push', `acme/payments@${'a'.repeat(40)}`);
    expect(await connectorFor(sim).reread(push)).toBe(push);
  });
});
