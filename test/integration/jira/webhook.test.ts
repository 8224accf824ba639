import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { acceptWebhook } from '../../../src/ingest/index.js';
import { InboxEventEntity, createStore, type Store } from '../../../src/store/index.js';
import { hmacSha256 } from '../../../src/runtime/index.js';
import type { WebhookRequest } from '../../../src/model/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { startJira } from './harness.js';

/**
 * Webhooks end to end: the simulator signs and sends like a Jira admin webhook; the
 * connector verifies through acceptWebhook into a real inbox. Forged, missing,
 * wrong-secret and altered bodies are refused with 401 and store nothing.
 */

const FIXTURE = '/work/shared/fixtures/jira/issue_updated_status_changed.json';
const SECRET = 's3cret-current';

function request(raw: Buffer, headers: Record<string, string | undefined>): WebhookRequest {
  return { headers, rawBody: raw, receivedAt: new Date('2026-03-02T10:00:00Z') };
}

const signed = (raw: Buffer, secret = SECRET) => `sha256=${hmacSha256(secret, raw, 'hex')}`;

describeEachDatabase('jira webhooks', (dialect) => {
  const db = useTestDatabase(dialect);
  let ctx: Awaited<ReturnType<typeof startJira>>;
  let store: Store;
  const raw = Buffer.from(readFileSync(FIXTURE));

  beforeAll(async () => {
    ctx = await startJira({ webhooks: { retryDelaysMs: [5, 5] } });
    store = createStore(db.get());
  });
  afterAll(async () => ctx.sim.stop());

  const count = () => db.get().dataSource.getRepository(InboxEventEntity).count();

  test.each([
    ['missing signature', undefined],
    ['forged signature', 'sha256=' + '0'.repeat(64)],
    ['wrong secret', signed(raw, 'not-the-secret')],
    ['altered body', signed(Buffer.concat([raw, Buffer.from(' ')]))],
    ['other algorithm', `sha1=${hmacSha256(SECRET, raw, 'hex')}`],
  ])('%s → 401, nothing stored', async (_name, signature) => {
    const before = await count();
    const res = await acceptWebhook(
      store,
      ctx.jira,
      request(raw, { 'x-hub-signature': signature, 'x-atlassian-webhook-identifier': 'forged-1' }),
    );
    expect(res.status).toBe(401);
    expect(await count()).toBe(before);
  });

  test('a replayed identifier is accepted once and has no second effect', async () => {
    const headers = {
      'x-hub-signature': signed(raw),
      'x-atlassian-webhook-identifier': 'a1b2c3-replay',
    };
    const first = await acceptWebhook(store, ctx.jira, request(raw, headers));
    expect(first).toEqual({ status: 202, body: { ok: true, stored: 1, duplicates: 0 } });
    const again = await acceptWebhook(
      store,
      ctx.jira,
      request(raw, { ...headers, 'x-atlassian-webhook-retry': '1' }),
    );
    expect(again).toEqual({ status: 202, body: { ok: true, stored: 0, duplicates: 1 } });
    const rows = await db
      .get()
      .dataSource.getRepository(InboxEventEntity)
      .findBy({ deliveryKey: 'webhook:a1b2c3-replay' });
    expect(rows).toHaveLength(1);
  });

  test('the previous secret still verifies during rotation', async () => {
    const res = await acceptWebhook(
      store,
      ctx.jira,
      request(raw, {
        'x-hub-signature': signed(raw, 's3cret-previous'),
        'x-atlassian-webhook-identifier': 'rot-1',
      }),
    );
    expect(res.status).toBe(202);
  });

  test('unknown events are ignored with a reason', async () => {
    const body = Buffer.from(
      JSON.stringify({ timestamp: 1, webhookEvent: 'worklog_created', worklog: {} }),
    );
    const res = await acceptWebhook(
      store,
      ctx.jira,
      request(body, { 'x-hub-signature': signed(body), 'x-atlassian-webhook-identifier': 'w-1' }),
    );
    expect(res).toEqual({
      status: 202,
      body: {
        ok: true,
        ignored: 'Jira webhook event "worklog_created" is not one changebridge uses',
      },
    });
  });

  test('the simulator signs, retries after a 503, and the retry lands on the same inbox row', async () => {
    let calls = 0;
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        calls += 1;
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
        );
        void acceptWebhook(store, ctx.jira, request(Buffer.concat(chunks), headers)).then((out) => {
          // The first delivery is stored, then answered 503: Jira must retry it.
          res.writeHead(calls === 1 ? 503 : out.status);
          res.end(JSON.stringify(out.body));
        });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    ctx.sim.webhooks.register({
      url: `http://127.0.0.1:${port}/webhooks/jira`,
      secret: SECRET,
      events: ['jira:issue_created'],
    });
    const before = await count();
    ctx.sim.state.createIssue(
      { project: 'OPS', issueType: 'Change', summary: 'Webhook me' },
      '5b10a2844c20165700ede21g',
    );
    await ctx.sim.webhooks.idle();
    await new Promise<void>((r) => server.close(() => r()));
    const delivery = ctx.sim.webhooks.deliveries.at(-1)!;
    expect(delivery.attempts).toEqual([503, 202]);
    expect(await count()).toBe(before + 1);
    const row = await db
      .get()
      .dataSource.getRepository(InboxEventEntity)
      .findOneByOrFail({ deliveryKey: `webhook:${delivery.identifier}` });
    expect(row.event).toBe('jira:issue_created');
  });
});
