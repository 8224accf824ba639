import type { GitHubSimulator } from '../../../connectors/github/simulator/index.js';
import { ManualClock } from '../../../src/runtime/index.js';
import { connectorFor, startSim } from './support.js';

/** GitHub App auth: JWT → installation token, cached, refreshed once however many callers wait. */
describe('GitHub App auth', () => {
  let sim: GitHubSimulator;
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    sim = await startSim({ clock });
    sim.state.createRepo('acme/payments');
    sim.state.openPullRequest('acme/payments', { title: 'x', head: 'topic', author: 'alice' });
  });
  afterAll(() => sim.close());

  it('50 concurrent calls → one token request; cached until near expiry; one refresh after', async () => {
    const gh = connectorFor(sim, { app: true }, clock);
    const start = sim.credentials.tokenRequests;
    await Promise.all(Array.from({ length: 50 }, () => gh.api.getPull('acme/payments', 1)));
    expect(sim.credentials.tokenRequests - start).toBe(1);
    await gh.api.getPull('acme/payments', 1);
    expect(sim.credentials.tokenRequests - start).toBe(1);
    clock.advance(56 * 60_000); // within 5 min of the 1 h expiry
    await Promise.all(Array.from({ length: 20 }, () => gh.api.getPull('acme/payments', 1)));
    expect(sim.credentials.tokenRequests - start).toBe(2);
  });

  it('a wrong private key is refused by the simulator like GitHub (401 Bad credentials)', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const gh = connectorFor(
      sim,
      { auth: { type: 'app', appId: 1234, privateKey: other.privateKey, installationId: 4242 } },
      clock,
    );
    await expect(gh.api.getPull('acme/payments', 1)).rejects.toThrow(/401/);
  });
});
