import Fastify, { type FastifyInstance } from 'fastify';
import { createHttpServer } from '../../../src/api/index.js';
import { registerGateRoute, type GateQuery } from '../../../src/api/gate-route.js';
import type { GateVerdict } from '../../../src/policy/gate.js';
import { createMetrics } from '../../../src/report/index.js';
import {
  createMemoryLogger,
  createNullLogger,
  ManualClock,
  type Clock,
  type MemoryLogger,
} from '../../../src/runtime/index.js';
import { createStore } from '../../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';

/** `GET /api/v1/gate` over real loopback, with a hand-written `decide`. */

const SHA = '4F2A9C1D0E3B5A7C9E1F2A3B4C5D6E7F8A9B0C1D';
const ALLOW: GateVerdict = { decision: 'allow', change: 'CHG0030001', reasons: [] };
const PENDING: GateVerdict = {
  decision: 'pending',
  change: 'CHG0030001',
  reasons: ['Change CHG0030001 is waiting for approval.'],
};
const DENY: GateVerdict = {
  decision: 'deny',
  change: 'CHG0030001',
  reasons: [
    'Change CHG0030001 covers the staging environment, not production.',
    'Change CHG0030001 was rejected.',
  ],
};

/** Answers the verdicts in turn, repeating the last; remembers every question. */
function scripted(...verdicts: GateVerdict[]) {
  const queries: GateQuery[] = [];
  const decide = async (query: GateQuery): Promise<GateVerdict> => {
    queries.push(query);
    return verdicts[Math.min(queries.length, verdicts.length) - 1]!;
  };
  return { decide, queries, calls: () => queries.length };
}

const query = (params: Record<string, string>) => `/api/v1/gate?${new URLSearchParams(params)}`;
const base = { repo: 'acme/payments', sha: SHA, environment: 'production' };

async function get(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
}

/** The route alone, on a bare fastify, with a short poll interval. */
async function bareServer(
  decide: (q: GateQuery) => Promise<GateVerdict>,
  opts: { pollIntervalMs?: number; logger?: MemoryLogger; clock?: Clock } = {},
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  app.register(async (scope) =>
    registerGateRoute(scope, {
      decide,
      logger: opts.logger?.logger ?? createNullLogger(),
      pollIntervalMs: opts.pollIntervalMs ?? 20,
      maxWaitSeconds: 30,
      ...(opts.clock ? { clock: opts.clock } : {}),
    }),
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}

describe('GET /api/v1/gate', () => {
  describe('validation', () => {
    const fake = scripted(ALLOW);
    let server: { app: FastifyInstance; url: string };
    beforeAll(async () => {
      server = await bareServer(fake.decide);
    });
    afterAll(() => server.app.close());

    it.each([
      ['repo', { sha: SHA, environment: 'production' }, /"repo" must be .*owner\/name.*missing/],
      ['repo', { ...base, repo: 'payments' }, /"repo" must be .*owner\/name.*got "payments"/],
      ['repo', { ...base, repo: 'acme/../etc' }, /"repo" must be/],
      ['repo', { ...base, repo: 'acme/pay ments' }, /"repo" must be/],
      ['sha', { ...base, sha: 'abc12' }, /"sha" must be the commit id, 7 to 64 hex.*got "abc12"/],
      ['sha', { ...base, sha: 'zzzzzzzz' }, /"sha" must be/],
      ['sha', { ...base, sha: 'a'.repeat(65) }, /"sha" must be/],
      ['environment', { repo: 'acme/payments', sha: SHA }, /"environment" must be .*missing/],
      ['environment', { ...base, environment: '   ' }, /"environment" must be/],
      ['environment', { ...base, environment: 'p'.repeat(101) }, /"environment" must be/],
      ['environment', { ...base, environment: 'prod\nforged' }, /"environment" must be/],
      ['wait', { ...base, wait: '-1' }, /"wait" must be a whole number of seconds from 0 to 30/],
      ['wait', { ...base, wait: '1.5' }, /"wait" must be/],
      ['wait', { ...base, wait: '31' }, /"wait" must be .*got "31"/],
      ['wiat', { ...base, wiat: '10' }, /unknown query parameter\(s\) "wiat"/],
    ])('bad %s → 400 naming it (%j)', async (_param, params, message) => {
      const before = fake.calls();
      const res = await get(`${server.url}${query(params)}`);
      expect(res.status).toBe(400);
      const error = res.body.error as string;
      expect(error).toMatch(/^\[changebridge\/api\] GET \/api\/v1\/gate: /);
      expect(error).toMatch(message);
      expect(error).toContain('e.g. GET /api/v1/gate?repo=');
      expect(fake.calls()).toBe(before); // never asked
    });

    it('a parameter given twice → 400 saying so', async () => {
      const res = await get(`${server.url}${query(base)}&sha=abcdef0`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/"sha" must be .*given more than once/);
    });

    it('names every bad parameter at once', async () => {
      const res = await get(`${server.url}/api/v1/gate?repo=x&sha=y`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/"repo".*"sha".*"environment"/);
    });

    it('accepts nested GitLab groups and a short upper-case sha, which it lower-cases', async () => {
      const res = await get(
        `${server.url}${query({ repo: 'group/sub.group/app_1', sha: 'ABC1234', environment: ' production ' })}`,
      );
      expect(res.status).toBe(200);
      expect(fake.queries.at(-1)).toEqual({
        repo: 'group/sub.group/app_1',
        sha: 'abc1234',
        environment: 'production',
      });
    });
  });

  describe('answers', () => {
    it.each([
      ['allow', ALLOW],
      ['deny', DENY],
      ['pending', PENDING],
    ])('%s: the verdict with the question and when it was evaluated', async (_name, verdict) => {
      const fake = scripted(verdict);
      const memory = createMemoryLogger({ level: 'info' });
      const clock = new ManualClock('2026-03-02T09:30:00.000Z');
      const server = await bareServer(fake.decide, { logger: memory, clock });
      try {
        const res = await get(`${server.url}${query(base)}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.body).toEqual({
          ...verdict,
          repo: 'acme/payments',
          sha: SHA.toLowerCase(),
          environment: 'production',
          evaluatedAt: '2026-03-02T09:30:00.000Z',
        });
        expect(fake.calls()).toBe(1); // no wait: one evaluation, even when pending
        const line = memory.lines().find((l) => l.event === 'gate.decided');
        expect(line).toMatchObject({
          level: 'info',
          repo: 'acme/payments',
          sha: SHA.toLowerCase().slice(0, 12),
          environment: 'production',
          decision: verdict.decision,
          change: 'CHG0030001',
          waitedMs: 0,
        });
      } finally {
        await server.app.close();
      }
    });
  });

  describe('long poll (wait=)', () => {
    it('answers as soon as the decision stops being pending', async () => {
      const fake = scripted(PENDING, PENDING, ALLOW);
      const server = await bareServer(fake.decide, { pollIntervalMs: 20 });
      try {
        const started = Date.now();
        const res = await get(`${server.url}${query({ ...base, wait: '10' })}`);
        const elapsed = Date.now() - started;
        expect(res.status).toBe(200);
        expect(res.body.decision).toBe('allow');
        expect(fake.calls()).toBe(3);
        expect(elapsed).toBeLessThan(5000); // far less than the 10 s it was allowed
      } finally {
        await server.app.close();
      }
    });

    it('a denial also ends the wait', async () => {
      const fake = scripted(PENDING, DENY);
      const server = await bareServer(fake.decide);
      try {
        const res = await get(`${server.url}${query({ ...base, wait: '10' })}`);
        expect(res.body).toMatchObject({ decision: 'deny', reasons: DENY.reasons });
        expect(fake.calls()).toBe(2);
      } finally {
        await server.app.close();
      }
    });

    it('answers pending once the wait elapses (real time)', async () => {
      const fake = scripted(PENDING);
      const server = await bareServer(fake.decide, { pollIntervalMs: 100 });
      try {
        const started = Date.now();
        const res = await get(`${server.url}${query({ ...base, wait: '1' })}`);
        const elapsed = Date.now() - started;
        expect(res.body.decision).toBe('pending');
        expect(elapsed).toBeGreaterThanOrEqual(950);
        expect(elapsed).toBeLessThan(3000);
        // first at 0 ms, then every 100 ms until 1000 ms: about 11
        expect(fake.calls()).toBeGreaterThanOrEqual(8);
        expect(fake.calls()).toBeLessThanOrEqual(12);
      } finally {
        await server.app.close();
      }
    });

    it('times the wait with the injected clock (wired through createHttpServer)', async () => {
      const fake = scripted(PENDING);
      const clock = new ManualClock('2026-03-02T09:30:00.000Z');
      const memory = createMemoryLogger({ level: 'info' });
      const t = await createTestDatabase('sqlite');
      const db = await t.open({ migrate: false });
      const app = createHttpServer({
        store: createStore(db),
        connectors: [],
        metrics: createMetrics({ defaultMetrics: false }),
        logger: memory.logger,
        bodyLimitBytes: 1_048_576,
        ready: async () => ({ ok: true, detail: 'test' }),
        clock,
        gate: fake.decide,
      });
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        // Five minutes of waiting, without waiting: the default poll interval is 1 s.
        const answer = get(`${url}${query({ ...base, wait: '300' })}`);
        for (let i = 0; i < 300; i++) {
          await clock.whenSleeping(1);
          clock.advance(1000);
        }
        const res = await answer;
        expect(res.body).toMatchObject({
          decision: 'pending',
          evaluatedAt: '2026-03-02T09:35:00.000Z',
        });
        expect(fake.calls()).toBe(301);
        expect(memory.lines().find((l) => l.event === 'gate.decided')).toMatchObject({
          decision: 'pending',
          waitedMs: 300_000,
          evaluations: 301,
        });
      } finally {
        await app.close();
        await db.close();
        await t.drop();
      }
    });

    it('stops asking when the client goes away', async () => {
      const fake = scripted(PENDING);
      const memory = createMemoryLogger({ level: 'info' });
      const server = await bareServer(fake.decide, { pollIntervalMs: 20, logger: memory });
      try {
        const abort = new AbortController();
        const request = fetch(`${server.url}${query({ ...base, wait: '30' })}`, {
          signal: abort.signal,
        }).catch((e: unknown) => e);
        while (fake.calls() < 3) await new Promise((r) => setTimeout(r, 10));
        abort.abort();
        expect(await request).toMatchObject({ name: 'AbortError' });
        await waitFor(() => memory.lines().some((l) => l.event === 'gate.decided'));
        const calls = fake.calls();
        await new Promise((r) => setTimeout(r, 150));
        expect(fake.calls()).toBe(calls);
        expect(memory.lines().find((l) => l.event === 'gate.decided')).toMatchObject({
          decision: 'pending',
          clientGone: true,
        });
      } finally {
        await server.app.close();
      }
    });

    it('answers what it knows at once when the server closes', async () => {
      const fake = scripted(PENDING);
      const server = await bareServer(fake.decide, { pollIntervalMs: 20 });
      const answer = get(`${server.url}${query({ ...base, wait: '30' })}`);
      while (fake.calls() < 2) await new Promise((r) => setTimeout(r, 10));
      const started = Date.now();
      await server.app.close();
      const res = await answer;
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.status).toBe(200);
      expect(res.body.decision).toBe('pending');
    });
  });

  describe('through createHttpServer', () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase('sqlite');
    });
    afterAll(() => t.drop());

    async function fullServer(gate?: (q: GateQuery) => Promise<GateVerdict>) {
      const db = await t.open({ migrate: false });
      const memory = createMemoryLogger({ level: 'info' });
      const app = createHttpServer({
        store: createStore(db),
        connectors: [],
        metrics: createMetrics({ defaultMetrics: false }),
        logger: memory.logger,
        bodyLimitBytes: 1_048_576,
        ready: async () => ({ ok: true, detail: 'test' }),
        ...(gate ? { gate } : {}),
      });
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      return {
        url,
        memory,
        close: async () => {
          await app.close();
          await db.close();
        },
      };
    }

    it('a decide that throws → 503, logged without the question', async () => {
      const server = await fullServer(async () => {
        throw new Error('SQLITE_BUSY: database is locked');
      });
      try {
        const res = await get(`${server.url}${query(base)}`);
        expect(res.status).toBe(503);
        expect(res.body.error).toMatch(/temporarily unavailable/);
        expect(server.memory.lines()).toContainEqual(
          expect.objectContaining({ event: 'http.error', route: '/api/v1/gate' }),
        );
      } finally {
        await server.close();
      }
    });

    it('answers like the bare route when a gate is given', async () => {
      const server = await fullServer(scripted(ALLOW).decide);
      try {
        const res = await get(`${server.url}${query(base)}`);
        expect(res.status).toBe(200);
        expect(res.body.decision).toBe('allow');
      } finally {
        await server.close();
      }
    });

    it('without a gate → 503 saying it is not configured', async () => {
      const server = await fullServer();
      try {
        const res = await get(`${server.url}${query(base)}`);
        expect(res.status).toBe(503);
        expect(res.body.error).toBe(
          '[changebridge/api] the gate is not configured in this process; run the daemon with `changebridge run` (docs/gates.md)',
        );
      } finally {
        await server.close();
      }
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
