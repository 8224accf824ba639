import axios, { isAxiosError } from 'axios';
import { Version3Client } from 'jira.js';
import { createHttpClientFactory, createMemoryLogger } from '../../../src/runtime/index.js';
import { delay, sendJson, startLoopbackServer, type LoopbackServer } from './loopback-server.js';

// Third-party axios-based clients routed through the same per-host queue and retry layer.

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function setup(defaults = {}) {
  const mem = createMemoryLogger();
  const factory = createHttpClientFactory({
    defaults: { intervalCap: 0, jitter: 'none', baseBackoffMs: 10, ...defaults },
    logger: mem.logger,
  });
  return { factory, mem };
}

describe('factory.axiosAdapter', () => {
  it('retries a plain axios instance on 429 and keeps axios errors for non-retryable ones', async () => {
    server = await startLoopbackServer((req, res, i) => {
      if (req.url === '/missing') return sendJson(res, 404, { message: 'Not Found' });
      if (i === 0) return sendJson(res, 429, {}, { 'Retry-After': '0' });
      sendJson(res, 200, { fine: true });
    });
    const { factory, mem } = setup();
    const ax = axios.create(factory.axiosConfigFor(server.url));
    const res = await ax.get<{ fine: boolean }>('/ok');
    expect(res.data).toEqual({ fine: true });
    expect(server.requests).toHaveLength(2);
    expect(mem.lines().filter((l) => l.event === 'http.retry')).toHaveLength(1);

    const err = await ax.get('/missing').catch((e: unknown) => e);
    expect(isAxiosError(err)).toBe(true);
    expect(server.requests).toHaveLength(3);
  });

  it('shares the host queue with our own clients', async () => {
    server = await startLoopbackServer(async (_req, res) => {
      await delay(20);
      sendJson(res, 200, {});
    });
    const { factory } = setup({ concurrency: 2 });
    const ax = axios.create(factory.axiosConfigFor(server.url));
    const client = factory.client(server.url);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? ax.get(`/a/${i}`) : client.get(`/b/${i}`))),
    );
    expect(server.maxInFlight).toBe(2);
  });

  it('routes jira.js through the queue: 503 then the issue', async () => {
    server = await startLoopbackServer((req, res, i) => {
      if (i === 0) return sendJson(res, 503, { errorMessages: ['busy'] });
      sendJson(res, 200, { id: '10001', key: 'CB-1', fields: { summary: 'Deploy' } });
    });
    const { factory, mem } = setup();
    const jira = new Version3Client({
      host: server.url,
      authentication: { basic: { email: 'bot@example.com', apiToken: 'jira-api-token-xyz' } },
      baseRequestConfig: { adapter: factory.axiosAdapter() },
    });
    const issue = await jira.issues.getIssue({ issueIdOrKey: 'CB-1', fields: ['summary'] });
    expect(issue.key).toBe('CB-1');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.url).toBe('/rest/api/3/issue/CB-1?fields=summary');
    expect(server.requests[1]!.headers.authorization).toMatch(/^Basic /);
    expect(mem.lines().filter((l) => l.event === 'http.retry')).toEqual([
      expect.objectContaining({ path: '/rest/api/3/issue/CB-1', status: 503 }),
    ]);
    expect(mem.text()).not.toMatch(/jira-api-token-xyz|Basic /);
  });
});
