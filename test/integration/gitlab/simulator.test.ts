import {
  startGitLabSimulator,
  seedGitLab,
  type GitLabSimulator,
} from '../../../connectors/gitlab/simulator/index.js';
import { BOT_TOKEN, startWorld } from './support.js';

/** The simulator must be as strict as GitLab: these pin the behaviour the connector relies on. */
describe('GitLab simulator', () => {
  let sim: GitLabSimulator;
  beforeAll(async () => {
    sim = await startGitLabSimulator({ autoDeliver: false });
    seedGitLab(sim.state, { token: BOT_TOKEN, mergeRequests: 5 });
  });
  afterAll(() => sim.close());

  const api = (path: string, init: RequestInit & { token?: string | null } = {}) =>
    fetch(`${sim.url}/api/v4${path}`, {
      ...init,
      headers: {
        ...(init.token === null ? {} : { 'PRIVATE-TOKEN': init.token ?? BOT_TOKEN }),
        'content-type': 'application/json',
      },
    });

  it('401 without a valid token, in GitLab’s error shape', async () => {
    for (const token of [null, 'glpat-wrong']) {
      const res = await api('/user', { token });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: '401 Unauthorized' });
    }
  });

  it('pages with X-Next-Page / X-Total / Link, clamps per_page to 100', async () => {
    const res = await api(
      '/projects/acme%2Fpayments/merge_requests?per_page=2&page=2&order_by=updated_at&sort=asc',
    );
    expect(res.status).toBe(200);
    expect(
      Object.fromEntries(
        ['x-page', 'x-per-page', 'x-next-page', 'x-prev-page', 'x-total', 'x-total-pages'].map(
          (h) => [h, res.headers.get(h)],
        ),
      ),
    ).toEqual({
      'x-page': '2',
      'x-per-page': '2',
      'x-next-page': '3',
      'x-prev-page': '1',
      'x-total': '5',
      'x-total-pages': '3',
    });
    expect(res.headers.get('link')).toMatch(/[?&]page=3[^>]*>; rel="next"/);
    const last = await api('/projects/acme%2Fpayments/merge_requests?per_page=500');
    expect(last.headers.get('x-per-page')).toBe('100');
    expect(last.headers.get('x-next-page')).toBe('');
  });

  it('is strict about parameters like GitLab', async () => {
    const unpaired = await api(
      '/projects/acme%2Fpayments/deployments?updated_after=2026-01-01T00:00:00Z',
    );
    expect(unpaired.status).toBe(400);
    expect(((await unpaired.json()) as { message: string }).message).toMatch(/must be paired/);
    expect(
      (await api('/projects/acme%2Fpayments/merge_requests?updated_after=yesterday')).status,
    ).toBe(400);
    expect((await api('/projects/acme%2Fpayments/merge_requests?sort=up')).status).toBe(400);
    expect((await api('/projects/nope%2Fnope/merge_requests')).status).toBe(404);
    const noState = await api(`/projects/acme%2Fpayments/statuses/${'a'.repeat(40)}`, {
      method: 'POST',
      body: '{}',
    });
    expect(noState.status).toBe(404);
  });

  it('refuses a commit status transition to the state it is already in', async () => {
    const sha = sim.state.project('acme/payments').branches.get('main')!;
    const post = () =>
      api(`/projects/acme%2Fpayments/statuses/${sha}`, {
        method: 'POST',
        body: JSON.stringify({ state: 'running', name: 'x' }),
      });
    expect((await post()).status).toBe(201);
    const again = await post();
    expect(again.status).toBe(400);
    expect(((await again.json()) as { message: string }).message).toMatch(
      /Cannot transition status/,
    );
  });

  it('rate limits with RateLimit-* headers and 429 + Retry-After + "Retry later"', async () => {
    sim.limiter.config = { limit: 2, windowMs: 60_000 };
    try {
      const ok = await api('/user', { token: 'rate-limit-probe' });
      expect(ok.headers.get('ratelimit-limit')).toBe('2');
      expect(ok.headers.get('ratelimit-remaining')).toBe('1');
      expect(Number(ok.headers.get('ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 - 1);
      await api('/user', { token: 'rate-limit-probe' });
      const limited = await api('/user', { token: 'rate-limit-probe' });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await limited.text()).toBe('Retry later\n');
    } finally {
      sim.limiter.config = { limit: 0, windowMs: 60_000 };
    }
  });
});

describe('GitLab simulator driven through its API', () => {
  let sim: GitLabSimulator;
  beforeAll(async () => {
    sim = await startGitLabSimulator({ autoDeliver: false });
    seedGitLab(sim.state, { token: BOT_TOKEN, mergeRequests: 0 });
  });
  afterAll(() => sim.close());
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.url}${path.startsWith('/__') ? '' : '/api/v4'}${path}`, {
      method,
      headers: { 'PRIVATE-TOKEN': BOT_TOKEN, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: res.status,
      body: res.status === 204 ? null : ((await res.json()) as Record<string, unknown>),
    };
  };

  it('commits, opens a merge request (409 on a duplicate), deploys and updates the deployment', async () => {
    const commit = await call('POST', '/projects/acme%2Fpayments/repository/commits', {
      branch: 'feature/ops-5',
      start_branch: 'main',
      commit_message: 'CHG0030009 tweak',
      actions: [],
    });
    expect(commit).toMatchObject({ status: 201, body: { title: 'CHG0030009 tweak' } });
    const noBranch = await call('POST', '/projects/acme%2Fpayments/repository/commits', {
      branch: 'x',
      commit_message: 'm',
      actions: [],
    });
    expect(noBranch.status).toBe(400);
    const mr = { source_branch: 'feature/ops-5', target_branch: 'main', title: 'OPS-5' };
    expect(await call('POST', '/projects/acme%2Fpayments/merge_requests', mr)).toMatchObject({
      status: 201,
      body: { iid: 1, sha: commit.body!.id },
    });
    expect((await call('POST', '/projects/acme%2Fpayments/merge_requests', mr)).status).toBe(409);
    const d = await call('POST', '/projects/acme%2Fpayments/deployments', {
      environment: 'production',
      sha: commit.body!.id,
      ref: 'feature/ops-5',
      tag: false,
      status: 'running',
    });
    expect(d).toMatchObject({ status: 201, body: { status: 'running' } });
    expect(
      await call('PUT', `/projects/acme%2Fpayments/deployments/${String(d.body!.id)}`, {
        status: 'success',
      }),
    ).toMatchObject({ status: 200, body: { status: 'success' } });
    expect(
      (await call('POST', '/projects/acme%2Fpayments/deployments', { environment: 'production' }))
        .status,
    ).toBe(400);
  });

  it('takes faults through /__sim/faults (token required) and clears them', async () => {
    const anonymous = await fetch(`${sim.url}/__sim/faults`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    expect((await call('POST', '/__sim/faults', { times: 0 })).status).toBe(400);
    expect(
      (await call('POST', '/__sim/faults', { pathPrefix: '/user', status: 503, times: 1 })).status,
    ).toBe(201);
    expect((await call('GET', '/user')).status).toBe(503);
    expect((await call('GET', '/user')).status).toBe(200);
    await call('POST', '/__sim/faults', { pathPrefix: '/user', status: 500, times: 5 });
    expect((await call('DELETE', '/__sim/faults')).status).toBe(204);
    expect((await call('GET', '/user')).status).toBe(200);
  });
});

describe('connector against an unreliable simulator', () => {
  it('retries injected 502s and a dropped connection, then polls everything', async () => {
    const world = await startWorld({ connector: { poll: { perPage: 2 } }, mergeRequests: 4 });
    try {
      world.sim.faults.inject({
        pathPrefix: '/projects/acme%2Fpayments/merge_requests',
        times: 2,
        status: 502,
      });
      world.sim.faults.inject({
        pathPrefix: '/projects/acme%2Fpayments/merge_requests',
        times: 1,
        reset: true,
      });
      const stream = world.connector.streams.find((s) => s.name === 'merge_request')!;
      const events = [];
      for await (const page of stream.poll(null, { startedAt: new Date(Date.now() + 1000) }))
        events.push(...page.events);
      expect(events.map((e) => e.externalId).sort()).toEqual([
        'acme/payments!1',
        'acme/payments!2',
        'acme/payments!3',
        'acme/payments!4',
      ]);
    } finally {
      await world.sim.close();
    }
  });

  it('honours 429 Retry-After from the simulator’s rate limiter', async () => {
    const world = await startWorld({
      sim: { rateLimit: { limit: 1, windowMs: 1000 } },
      connector: { poll: { perPage: 1 } },
    });
    try {
      const stream = world.connector.streams.find((s) => s.name === 'deployment')!;
      const events = [];
      for await (const page of stream.poll(null, { startedAt: new Date(Date.now() + 1000) }))
        events.push(...page.events);
      expect(events).toHaveLength(2);
      expect(world.sim.limiter.limited).toBeGreaterThanOrEqual(1);
    } finally {
      await world.sim.close();
    }
  });

  it('a 401 is not retried and names the host', async () => {
    const world = await startWorld({ connector: { token: 'glpat-revoked' } });
    try {
      const stream = world.connector.streams[0]!;
      const iterate = async () => {
        for await (const _ of stream.poll(null, { startedAt: new Date() })) void _;
      };
      await expect(iterate()).rejects.toThrow(/401/);
      expect(world.sim.requests).toHaveLength(1);
    } finally {
      await world.sim.close();
    }
  });
});
