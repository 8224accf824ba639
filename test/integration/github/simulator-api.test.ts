import type { GitHubSimulator } from '../../../connectors/github/simulator/index.js';
import { SECONDARY_MESSAGE } from '../../../connectors/github/simulator/index.js';
import { classifyError, HttpError } from '../../../src/runtime/index.js';
import { connectorFor, PAT, startSim } from './support.js';

/** The simulator is as strict as GitHub: auth, paging, validation, rate limits, faults. */
describe('GitHub simulator API', () => {
  let sim: GitHubSimulator;
  beforeAll(async () => {
    sim = await startSim({
      rateLimit: { limit: 1000, secondaryWrites: 3, secondaryWindowMs: 60_000 },
    });
    sim.state.createRepo('acme/payments');
    for (let i = 0; i < 35; i++)
      sim.state.openPullRequest('acme/payments', {
        title: `pr ${i}`,
        head: `b${i}`,
        author: 'alice',
      });
  });
  afterAll(() => sim.close());
  const get = (path: string, token: string | null = PAT) =>
    fetch(`${sim.url}${path}`, { headers: token ? { authorization: `token ${token}` } : {} });

  it('answers 401 without or with bad credentials, with GitHub’s message', async () => {
    expect(await (await get('/repos/acme/payments/pulls', null)).json()).toMatchObject({
      message: 'Requires authentication',
    });
    const bad = await get('/repos/acme/payments/pulls', 'ghp_wrong');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ message: 'Bad credentials' });
  });

  it('pages with per_page (default 30) and a Link header, and sends x-ratelimit-* on every answer', async () => {
    const res = await get('/repos/acme/payments/pulls');
    expect(((await res.json()) as unknown[]).length).toBe(30);
    expect(res.headers.get('link')).toMatch(/page=2.*rel="next".*rel="last"/);
    expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeLessThan(1000);
    expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
    const last = await get('/repos/acme/payments/pulls?page=2');
    expect(((await last.json()) as unknown[]).length).toBe(5);
    expect(last.headers.get('link')).not.toMatch(/rel="next"/);
  });

  it('validates like GitHub: 422 for a bad state or a 141-character description, 404 for unknown repos', async () => {
    const gh = connectorFor(sim);
    const sha = sim.state.pull('acme/payments', 1).head.sha;
    const err = await gh.api
      .createStatus('acme/payments', sha, { state: 'green', context: 'c', description: 'd' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(422);
    const long = await gh.api
      .createStatus('acme/payments', sha, {
        state: 'success',
        context: 'c',
        description: 'x'.repeat(141),
      })
      .catch((e: unknown) => e);
    expect((long as HttpError).status).toBe(422);
    expect((await get('/repos/acme/nope/pulls')).status).toBe(404);
  });

  it('secondary rate limit: 403 WITHOUT Retry-After, which the shared classifier waits ≥ 60 s on', async () => {
    const gh = connectorFor(sim);
    const sha = sim.state.pull('acme/payments', 2).head.sha;
    const results = [];
    for (let i = 0; i < 4; i++) {
      results.push(
        await fetch(`${sim.url}/repos/acme/payments/statuses/${sha}`, {
          method: 'POST',
          headers: { authorization: `token ${PAT}` },
          body: JSON.stringify({ state: 'success', context: `c${i}` }),
        }),
      );
    }
    const limited = results[3]!;
    expect(limited.status).toBe(403);
    expect(limited.headers.get('retry-after')).toBeNull();
    const body = (await limited.json()) as { message: string };
    expect(body.message).toBe(SECONDARY_MESSAGE);
    const decision = classifyError(
      {
        method: 'POST',
        idempotent: true,
        status: 403,
        message: body.message,
        headers: Object.fromEntries(limited.headers),
      },
      1,
      {
        maxRetries: 4,
        baseBackoffMs: 500,
        maxBackoffMs: 30_000,
        maxWaitMs: 120_000,
        jitter: 'none',
        random: () => 0,
      },
      Date.now(),
    );
    expect(decision.retry).toBe(true);
    expect(decision.waitMs).toBeGreaterThanOrEqual(60_000);
    expect(gh.operations).toContain('github.status');
  });

  it('primary limit spent: 403 with x-ratelimit-remaining 0', async () => {
    sim.limiter.exhaust('pat:0001', Date.now());
    const res = await get('/repos/acme/payments/pulls');
    expect(res.status).toBe(403);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await res.json()).toMatchObject({
      message: expect.stringMatching(/API rate limit exceeded/),
    });
  });
});

describe('GitHub simulator faults', () => {
  let sim: GitHubSimulator;
  beforeAll(async () => {
    sim = await startSim();
    sim.state.createRepo('acme/payments');
    sim.state.openPullRequest('acme/payments', { title: 'x', head: 'b', author: 'alice' });
  });
  afterAll(() => sim.close());

  it('the connector retries injected 502s and dropped connections, then succeeds', async () => {
    const gh = connectorFor(sim);
    sim.faults.add({ kind: 'status', status: 502, path: '/pulls/1', times: 1 });
    sim.faults.add({ kind: 'reset', path: '/pulls/1', times: 1 });
    const pr = await gh.api.getPull('acme/payments', 1);
    expect(pr.number).toBe(1);
    expect(sim.log.filter((l) => l.path.endsWith('/pulls/1')).map((l) => l.status)).toEqual([
      502, 0, 200,
    ]);
  });

  it('a non-retryable 404 surfaces as an HttpError naming the URL', async () => {
    const gh = connectorFor(sim);
    await expect(gh.api.getPull('acme/payments', 99)).rejects.toThrow(/404/);
  });
});
