import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceNowClient, query } from '../../../connectors/servicenow/index.js';
import {
  DEFAULT_SIM_CLIENT,
  DEFAULT_SIM_USER,
  ServiceNowSimulator,
} from '../../../connectors/servicenow/simulator.js';
import { seedServiceNow } from '../../../connectors/servicenow/simulator-seed.js';
import type { OAuthProvider } from '../../../connectors/servicenow/auth.js';
import {
  createHttpClientFactory,
  createMemoryLogger,
  HttpError,
  ManualClock,
} from '../../../src/runtime/index.js';

// The Table API client against the simulator over real sockets and real timers.

let sim: ServiceNowSimulator;
beforeEach(async () => {
  sim = await new ServiceNowSimulator().start();
  seedServiceNow(sim.state, { seed: 1, changes: 20 });
});
afterEach(() => sim.stop());

const basic = {
  type: 'basic' as const,
  username: DEFAULT_SIM_USER.userName,
  password: DEFAULT_SIM_USER.password,
};

function client(
  auth = basic as ConstructorParameters<typeof ServiceNowClient>[0]['auth'],
  clock?: ManualClock,
) {
  const logs = createMemoryLogger();
  const http = createHttpClientFactory({
    defaults: {
      intervalCap: 0,
      jitter: 'none',
      baseBackoffMs: 50,
      maxRetries: 3,
      maxWaitMs: 10_000,
    },
    logger: logs.logger,
  });
  return {
    c: new ServiceNowClient({ baseUrl: sim.url, auth, http, ...(clock ? { clock } : {}) }),
    logs,
  };
}

const listChanges = (c: ServiceNowClient) =>
  c.list('change_request', {
    query: query('change_request').orderBy('number'),
    fields: ['sys_id', 'number'],
    limit: 5,
  });

describe('ServiceNow client: retries', () => {
  it('429 with Retry-After: 2 → waits at least 2 s, then succeeds within its retry budget', async () => {
    sim.injectFault({
      nth: 1,
      path: '/api/now/table/',
      fault: {
        kind: 'status',
        status: 429,
        headers: {
          'Retry-After': '2',
          'X-RateLimit-Limit': '100',
          'X-RateLimit-Rule': 'table-api',
        },
        body: {
          error: {
            message: 'Rate limit exceeded',
            detail: 'Rate limit of 100 requests per hour for Table API exceeded',
          },
          status: 'failure',
        },
      },
    });
    const { c, logs } = client();
    const t0 = performance.now();
    const page = await listChanges(c);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1990);
    expect(page.records).toHaveLength(5);
    expect(page.total).toBe(20);
    const tableCalls = sim.requests.filter((r) => r.path.startsWith('/api/now/table/'));
    expect(tableCalls.map((r) => r.status)).toEqual([429, 200]);
    expect(logs.lines().filter((l) => l.event === 'http.retry')).toEqual([
      expect.objectContaining({ status: 429, waitMs: 2000 }),
    ]);
  });

  it("the simulator's own rate limit answers 429 with Retry-After and X-RateLimit-*, and the client rides it out", async () => {
    sim.setRateLimit({ limit: 2, windowMs: 1000, rule: 'table-api-per-second' });
    const { c } = client();
    for (let i = 0; i < 4; i++) await listChanges(c);
    const limited = sim.requests.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(sim.requests.filter((r) => r.status === 200)).toHaveLength(4);
  });

  it('5xx and connection resets are retried with backoff', async () => {
    sim.injectFault({ nth: 1, path: '/api/now/table/', fault: { kind: 'status', status: 500 } });
    sim.injectFault({ nth: 1, path: '/api/now/table/', fault: { kind: 'reset' } });
    sim.injectFault({ nth: 1, path: '/api/now/table/', fault: { kind: 'status', status: 502 } });
    const { c, logs } = client();
    const page = await listChanges(c);
    expect(page.records).toHaveLength(5);
    const retries = logs.lines().filter((l) => l.event === 'http.retry');
    expect(retries).toHaveLength(3);
    // Backoff doubles: 50, 100, 200 ms (jitter off).
    expect(retries.map((r) => r.waitMs)).toEqual([50, 100, 200]);
    expect(retries.map((r) => r.code ?? r.status)).toEqual([500, 'ECONNRESET', 502]);
  });

  it('a response slower than the timeout is abandoned and retried', async () => {
    sim.injectFault({ nth: 1, path: '/api/now/table/', fault: { kind: 'delay', ms: 600 } });
    const logs = createMemoryLogger();
    const http = createHttpClientFactory({
      defaults: {
        intervalCap: 0,
        jitter: 'none',
        baseBackoffMs: 10,
        maxRetries: 2,
        timeoutMs: 200,
      },
      logger: logs.logger,
    });
    const c = new ServiceNowClient({ baseUrl: sim.url, auth: basic, http });
    expect((await listChanges(c)).records).toHaveLength(5);
    expect(logs.lines().filter((l) => l.event === 'http.retry')).toEqual([
      expect.objectContaining({ code: expect.stringMatching(/ECONNABORTED|ETIMEDOUT/) }),
    ]);
  });

  it.each([
    [401, /401.*User Not Authenticated.*not retried/s],
    [403, /403.*not retried/s],
    [404, /404.*No Record found.*not retried/s],
  ])('%i is not retried and the error says why', async (status, message) => {
    sim.injectFault({ nth: 1, path: '/api/now/table/', fault: { kind: 'status', status } });
    const { c } = client();
    const err = await listChanges(c).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(status);
    expect((err as HttpError).message).toMatch(message);
    expect((err as HttpError).hint).toBeTruthy();
    expect(sim.requests.filter((r) => r.path.startsWith('/api/now/table/'))).toHaveLength(1);
  });

  it('wrong Basic credentials: 401 once, a clear error, no retry', async () => {
    const { c } = client({ ...basic, password: 'wrong' });
    await expect(listChanges(c)).rejects.toThrow(/returned 401.*User Not Authenticated/);
    expect(sim.requests).toHaveLength(1);
  });

  it('get() of a missing record is null (404 for missing and ACL-hidden alike)', async () => {
    const { c } = client();
    expect(await c.get('change_request', 'f'.repeat(32))).toBeNull();
  });
});

describe('ServiceNow client: OAuth', () => {
  const oauth = {
    type: 'oauth' as const,
    grantType: 'password' as const,
    clientId: DEFAULT_SIM_CLIENT.clientId,
    clientSecret: DEFAULT_SIM_CLIENT.clientSecret,
    username: DEFAULT_SIM_USER.userName,
    password: DEFAULT_SIM_USER.password,
  };

  it('100 concurrent calls with an expired token make exactly one token request', async () => {
    const clock = new ManualClock(new Date());
    const { c } = client(oauth, clock);
    await listChanges(c);
    expect(sim.stats.tokenRequests).toBe(1);
    clock.advance(3600_000); // our copy of the token is now expired
    const results = await Promise.all(Array.from({ length: 100 }, () => listChanges(c)));
    expect(results.every((r) => r.records.length === 5)).toBe(true);
    expect(sim.stats.tokenRequests).toBe(2);
    expect((c.auth as OAuthProvider).tokenRequests).toBe(2);
  });

  it('100 concurrent calls whose token the instance revoked (401) make exactly one token request', async () => {
    const { c } = client(oauth);
    await listChanges(c);
    sim.revokeTokens();
    const results = await Promise.all(Array.from({ length: 100 }, () => listChanges(c)));
    expect(results).toHaveLength(100);
    expect(sim.stats.tokenRequests).toBe(2);
  });

  it('client_credentials and refresh_token grants work; a bad client secret is a clear error', async () => {
    const cc = client({ ...oauth, grantType: 'client_credentials' }).c;
    expect((await listChanges(cc)).records).toHaveLength(5);
    const bad = client({ ...oauth, clientSecret: 'nope' }).c;
    await expect(listChanges(bad)).rejects.toThrow(/oauth_token\.do returned 401.*access_denied/);
  });

  it('uses the refresh token the instance handed out when the access token expires', async () => {
    const clock = new ManualClock(new Date());
    const { c } = client(oauth, clock);
    await listChanges(c);
    clock.advance(3600_000);
    await listChanges(c);
    const grants = sim.requests.filter((r) => r.path === '/oauth_token.do');
    expect(grants).toHaveLength(2);
  });
});

describe('ServiceNow client: response shape', () => {
  // A bare server that answers every GET with the body under test (not the simulator).
  let server: Server;
  let body = '';
  let url = '';
  beforeEach(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  const listFrom = () => {
    const { logger } = createMemoryLogger();
    const http = createHttpClientFactory({
      defaults: { intervalCap: 0, jitter: 'none', maxRetries: 0 },
      logger,
    });
    return new ServiceNowClient({ baseUrl: url, auth: basic, http }).list('change_request', {
      query: query('change_request'),
      limit: 5,
    });
  };

  it('every value becomes a string; a reference sent as {link, value} becomes its value', async () => {
    body = JSON.stringify({
      result: [
        {
          sys_id: 'a1',
          number: 'CHG0000001',
          priority: 3,
          active: true,
          cmdb_ci: { link: 'https://x/api/now/table/cmdb_ci/c1', value: 'c1' },
          closed_at: null,
        },
      ],
    });
    const page = await listFrom();
    expect(page.records).toEqual([
      {
        sys_id: 'a1',
        number: 'CHG0000001',
        priority: '3',
        active: 'true',
        cmdb_ci: 'c1',
        closed_at: '',
      },
    ]);
  });

  it.each([
    ['a string', { result: ['CHG0000001'] }],
    ['an array', { result: [['CHG0000001']] }],
    ['null', { result: [null] }],
  ])('a record that is %s is a clear error naming the shape', async (_what, payload) => {
    body = JSON.stringify(payload);
    const error = await listFrom().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as Error).message).toMatch(/expected a record \(a JSON object\)/);
    expect((error as Error).message).toMatch(/is the base URL a ServiceNow instance\?/);
  });
});
