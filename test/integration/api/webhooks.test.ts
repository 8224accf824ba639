import { WebhookSender } from '../../../connectors/github/simulator/index.js';
import { createMemoryLogger } from '../../../src/runtime/index.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import {
  PR_OPENED,
  SECRET,
  counted,
  githubConnector,
  githubHeaders,
  post,
  startServer,
  type Running,
} from './support.js';

/** POST /webhooks/:system over real loopback, the real GitHub connector, a real database. */
describeEachDatabase('webhook endpoint', (dialect) => {
  const handle = useTestDatabase(dialect);
  const memory = createMemoryLogger({ level: 'debug' });
  const limit = 64 * 1024;
  let store: Store;
  let server: Running;
  let gh: ReturnType<typeof counted>;

  beforeAll(async () => {
    store = createStore(handle.get());
    gh = counted(githubConnector());
    server = await startServer({
      store,
      connectors: [gh.connector],
      logger: memory.logger,
      bodyLimitBytes: limit,
    });
  });
  afterAll(() => server.app.close());

  const rows = async () => (await store.inbox.counts()).pending ?? 0;
  const hook = () => `${server.url}/webhooks/github`;

  it('a signed GitHub delivery → 202 after exactly one inbox row is stored', async () => {
    const before = await rows();
    const res = await post(hook(), githubHeaders('d-1', PR_OPENED), PR_OPENED);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ ok: true, stored: 1, duplicates: 0 });
    expect(await rows()).toBe(before + 1);
  });

  it('the same delivery 5× concurrently → one row', async () => {
    const before = await rows();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => post(hook(), githubHeaders('d-5x', PR_OPENED), PR_OPENED)),
    );
    expect(results.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    expect(results.reduce((n, r) => n + Number(r.json.stored), 0)).toBe(1);
    expect(await rows()).toBe(before + 1);
  });

  it('a bad signature → 401, nothing stored, a warning without the payload', async () => {
    const before = await rows();
    const res = await post(hook(), githubHeaders('d-bad', PR_OPENED, 'wrong-secret'), PR_OPENED);
    expect(res.status).toBe(401);
    expect(res.json.ok).toBe(false);
    expect(await rows()).toBe(before);
    const warning = memory.lines().find((l) => l.event === 'webhook.rejected');
    expect(warning).toMatchObject({ system: 'github', deliveryId: 'd-bad', status: 401 });
    expect(memory.text()).not.toContain('"opened"');
  });

  it('an oversize body → 413 naming the config key, before the connector sees it', async () => {
    const before = await rows();
    const calls = gh.calls();
    const big = JSON.stringify({ padding: 'x'.repeat(limit + 10) });
    const res = await post(hook(), githubHeaders('d-big', big), big);
    expect(res.status).toBe(413);
    expect(String(res.json.error)).toContain('server.bodyLimitBytes');
    expect(String(res.json.error)).toContain(String(limit));
    expect(gh.calls()).toBe(calls);
    expect(await rows()).toBe(before);
  });

  it('an oversize chunked body (no Content-Length) → 413 too', async () => {
    const before = await rows();
    const calls = gh.calls();
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 6; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await fetch(hook(), {
      method: 'POST',
      headers: githubHeaders('d-chunked', 'x'),
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toContain('server.bodyLimitBytes');
    expect(gh.calls()).toBe(calls);
    expect(await rows()).toBe(before);
  });

  it.each([
    ['an unknown system', 'bitbucket', 'no webhook endpoint for "bitbucket"'],
    ['a system with no connection', 'gitlab', 'no gitlab connection is configured'],
  ])('%s → 404 with a clear message', async (_label, system, message) => {
    const res = await post(
      `${server.url}/webhooks/${system}`,
      { 'content-type': 'text/plain' },
      'x',
    );
    expect(res.status).toBe(404);
    expect(String(res.json.error)).toContain(message);
  });

  it('deliveries from the GitHub simulator’s sender, incl. a redelivery, store once each', async () => {
    const before = await rows();
    const sender = new WebhookSender();
    sender.addHook(hook(), SECRET, ['pull_request']);
    const payload = JSON.parse(PR_OPENED) as Record<string, unknown>;
    sender.send('pull_request', payload);
    await sender.flush();
    sender.redeliver(sender.deliveries[0]!.guid);
    await sender.flush();
    expect(sender.deliveries.map((d) => d.status)).toEqual([202, 202]);
    expect(JSON.parse(sender.deliveries[1]!.response!)).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await rows()).toBe(before + 1);
  });

  it('counts received events in /metrics', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(
      /changebridge_events_received_total\{system="github",outcome="accepted"\} 3/,
    );
    expect(text).toMatch(
      /changebridge_events_received_total\{system="github",outcome="duplicate"\} 5/,
    );
    expect(text).toMatch(
      /changebridge_events_received_total\{system="github",outcome="rejected"\} 1/,
    );
    expect(text).toMatch(/changebridge_inbox_depth \d+/);
    expect(text).toContain('changebridge_outbox_depth 0');
  });

  it('logs each request at debug as http.request with its route, never a body', async () => {
    const lines = memory.lines().filter((l) => l.event === 'http.request');
    expect(lines.length).toBeGreaterThan(5);
    expect(lines[0]).toMatchObject({ method: 'POST', route: '/webhooks/:system', status: 202 });
    expect(typeof lines[0]!.ms).toBe('number');
    expect(memory.text()).not.toContain('padding');
  });
});
