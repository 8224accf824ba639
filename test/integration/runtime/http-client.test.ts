import {
  HttpError,
  createHttpClientFactory,
  createMemoryLogger,
  type HttpClientFactoryOptions,
} from '../../../src/runtime/index.js';
import {
  closedPort,
  delay,
  sendJson,
  startLoopbackServer,
  type LoopbackServer,
} from './loopback-server.js';

// The HTTP client against a real node:http server on 127.0.0.1: real sockets, real timers.

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function factoryWith(defaults: HttpClientFactoryOptions['defaults'] = {}) {
  const mem = createMemoryLogger();
  const factory = createHttpClientFactory({
    defaults: { intervalCap: 0, jitter: 'none', baseBackoffMs: 10, maxRetries: 4, ...defaults },
    logger: mem.logger,
  });
  return { factory, mem };
}

describe('HttpClient against a loopback server', () => {
  it('429 with Retry-After: 1 is waited out, then succeeds', async () => {
    server = await startLoopbackServer((_req, res, i) => {
      if (i === 0) sendJson(res, 429, { message: 'slow down' }, { 'Retry-After': '1' });
      else sendJson(res, 200, { ok: true });
    });
    const { factory, mem } = factoryWith();
    const client = factory.client(server.url);
    const t0 = performance.now();
    const res = await client.get<{ ok: boolean }>('/api/now/table/change_request');
    const elapsed = performance.now() - t0;
    expect(res).toMatchObject({ status: 200, data: { ok: true } });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(mem.lines().filter((l) => l.event === 'http.retry')).toEqual([
      expect.objectContaining({
        method: 'GET',
        host: server.host,
        path: '/api/now/table/change_request',
        status: 429,
        waitMs: 1000,
      }),
    ]);
  });

  it('503 three times, then 200', async () => {
    server = await startLoopbackServer((_req, res, i) => {
      if (i < 3) sendJson(res, 503, { error: { message: 'Instance hibernating', detail: null } });
      else sendJson(res, 200, { result: [] });
    });
    const { factory, mem } = factoryWith();
    const res = await factory.client(server.url).get('/api/now/table/incident');
    expect(res.status).toBe(200);
    expect(server.requests).toHaveLength(4);
    expect(
      mem
        .lines()
        .filter((l) => l.event === 'http.retry')
        .map((l) => l.waitMs),
    ).toEqual([10, 20, 40]);
  });

  it('400 with a Jira error body fails at once, with the vendor messages in the error', async () => {
    server = await startLoopbackServer((_req, res) =>
      sendJson(res, 400, {
        errorMessages: ["The value 'NOPE' does not exist for the field 'project'."],
        errors: { summary: 'You must specify a summary of the issue.' },
      }),
    );
    const { factory } = factoryWith();
    const err = await factory
      .client(server.url)
      .post('/rest/api/3/issue', { fields: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    const e = err as HttpError;
    expect(e.status).toBe(400);
    expect(e.message).toContain("The value 'NOPE' does not exist for the field 'project'.");
    expect(e.message).toContain('summary: You must specify a summary of the issue.');
    expect(e.message).toContain(`POST ${server.url}/rest/api/3/issue returned 400`);
    expect(e.hint).toContain('rejected the request as invalid');
    expect(server.requests).toHaveLength(1);
  });

  it('Retry-After: 3600 fails fast with a reason instead of hanging', async () => {
    server = await startLoopbackServer((_req, res) =>
      sendJson(res, 429, { message: 'quota' }, { 'Retry-After': '3600' }),
    );
    const { factory } = factoryWith({ maxWaitMs: 60_000 });
    const t0 = performance.now();
    const err = (await factory
      .client(server.url)
      .get('/x')
      .catch((e: unknown) => e)) as HttpError;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(err).toBeInstanceOf(HttpError);
    expect(err.retryReason).toMatch(
      /server asked to wait 3600s .*more than maxWaitMs \(60000 ms\)/,
    );
    expect(err.message).toContain('not retried: GET HTTP 429');
    expect(server.requests).toHaveLength(1);
  });

  it('never has more than `concurrency` requests in flight to a host, across clients', async () => {
    server = await startLoopbackServer(async (_req, res) => {
      await delay(25);
      sendJson(res, 200, {});
    });
    const { factory } = factoryWith({ concurrency: 2 });
    const a = factory.client(server.url);
    const b = factory.client(`${server.url}/api`); // same host, other client: same queue
    const calls = Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).get(`/r/${i}`));
    await Promise.all(calls);
    expect(server.requests).toHaveLength(20);
    expect(server.maxInFlight).toBe(2);
  });

  it('honours intervalCap as a sliding window', async () => {
    server = await startLoopbackServer((_req, res) => sendJson(res, 200, {}));
    const { factory } = factoryWith({ concurrency: 10, intervalCap: 3, intervalMs: 200 });
    const client = factory.client(server.url);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 9 }, (_, i) => client.get(`/r/${i}`)));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    const at = server.requests.map((r) => r.at).sort((x, y) => x - y);
    // Any 4 consecutive arrivals span at least one interval (minus socket jitter).
    for (let i = 0; i + 3 < at.length; i++) {
      expect(at[i + 3]! - at[i]!).toBeGreaterThanOrEqual(180);
    }
  });

  it('sends params, JSON bodies and auth headers; returns lower-cased headers', async () => {
    server = await startLoopbackServer((req, res) =>
      sendJson(res, 201, { echo: JSON.parse(req.body) as unknown }, { 'X-Total-Count': '7' }),
    );
    const { factory, mem } = factoryWith();
    let n = 0;
    const client = factory.client(server.url, {
      headers: { Accept: 'application/json' },
      auth: () => ({ Authorization: `Bearer rotating-token-${++n}` }),
    });
    const res = await client.post(
      '/api/now/table/change_request',
      { short_description: 'x' },
      {
        params: { sysparm_fields: 'sys_id,number', sysparm_limit: 1, skip: undefined },
      },
    );
    expect(res).toEqual({
      status: 201,
      headers: expect.objectContaining({ 'x-total-count': '7' }),
      data: { echo: { short_description: 'x' } },
    });
    const seen = server.requests[0]!;
    expect(seen.url).toBe(
      '/api/now/table/change_request?sysparm_fields=sys_id,number&sysparm_limit=1',
    );
    expect(seen.headers.authorization).toBe('Bearer rotating-token-1');
    expect(seen.headers.accept).toBe('application/json');
    expect(mem.text()).not.toContain('rotating-token');
  });

  it('calls the auth hook again on each retry', async () => {
    server = await startLoopbackServer((_req, res, i) => sendJson(res, i === 0 ? 502 : 200, {}));
    const { factory } = factoryWith();
    let n = 0;
    const client = factory.client(server.url, {
      auth: () => ({ Authorization: `Bearer t${++n}` }),
    });
    await client.get('/x');
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('a refused connection is retried, then reported with a hint', async () => {
    const port = await closedPort();
    const { factory } = factoryWith({ maxRetries: 2 });
    const err = (await factory
      .client(`http://127.0.0.1:${port}`)
      .post('/x', {})
      .catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.attempts).toBe(3);
    expect(err.message).toContain(`POST http://127.0.0.1:${port}/x failed: ECONNREFUSED`);
    expect(err.hint).toContain('nothing listens at');
  });

  it('a server that never answers times out per attempt', async () => {
    server = await startLoopbackServer(() => undefined); // never responds
    const { factory } = factoryWith({ timeoutMs: 100, maxRetries: 1 });
    const t0 = performance.now();
    const err = (await factory
      .client(server.url)
      .get('/slow')
      .catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(['ECONNABORTED', 'ETIMEDOUT']).toContain(err.code);
    expect(server.requests).toHaveLength(2);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('ServiceNow and GitHub error envelopes become readable messages', async () => {
    server = await startLoopbackServer((req, res) => {
      if (req.url.startsWith('/api/now'))
        sendJson(res, 404, {
          error: {
            message: 'No Record found',
            detail: "Record doesn't exist or ACL restricts the record retrieval",
          },
          status: 'failure',
        });
      else
        sendJson(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'Status', field: 'state', code: 'invalid' }],
        });
    });
    const { factory } = factoryWith();
    const client = factory.client(server.url);
    await expect(client.get('/api/now/table/change_request/abc')).rejects.toThrow(
      "404 Not Found: No Record found: Record doesn't exist or ACL restricts the record retrieval",
    );
    await expect(client.post('/repos/o/r/statuses/sha', {})).rejects.toThrow(
      '422 Unprocessable Entity: Validation Failed (Status state invalid)',
    );
  });

  it('rejects a base URL without a scheme with a clear message', () => {
    const { factory } = factoryWith();
    expect(() => factory.client('dev12345.service-now.com')).toThrow(
      '[changebridge/http] base URL "dev12345.service-now.com" is not an absolute http(s) URL',
    );
  });
});
