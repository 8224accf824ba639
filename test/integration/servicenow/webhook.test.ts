import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptWebhook } from '../../../src/ingest/index.js';
import type { SourceEvent, WebhookRequest } from '../../../src/model/index.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { startHarness, WEBHOOK_SECRET, type Harness } from './harness.js';

const HEADER = 'x-changebridge-secret';

function request(body: unknown, headers: Record<string, string | undefined>): WebhookRequest {
  return {
    headers,
    rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    receivedAt: new Date('2026-03-01T10:00:00Z'),
  };
}

describeEachDatabase('ServiceNow webhook', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Store;
  let h: Harness;
  let sysId: string;
  beforeAll(async () => {
    store = createStore(handle.get());
    h = await startHarness({
      connector: {
        webhook: {
          header: 'X-Changebridge-Secret',
          secrets: ['old-secret-being-rotated', WEBHOOK_SECRET],
        },
      },
    });
    sysId = h.sim.state.insert(
      'change_request',
      { short_description: 'Patch kernel' },
      { silent: true },
    ).sys_id!;
  });
  afterAll(() => h.stop());

  const pending = async () => (await store.inbox.counts()).pending ?? 0;

  it.each([
    ['a missing secret', {}],
    ['a wrong secret', { [HEADER]: 'guess' }],
    ['an empty secret', { [HEADER]: '' }],
    ['a secret that is a prefix of the real one', { [HEADER]: WEBHOOK_SECRET.slice(0, -1) }],
  ])('%s → 401, nothing stored', async (_name, headers) => {
    const before = await pending();
    const res = await acceptWebhook(
      store,
      h.connector,
      request({ table: 'change_request', sys_id: sysId }, headers),
    );
    expect(res.status).toBe(401);
    expect(res.body.ok).toBe(false);
    expect(await pending()).toBe(before);
  });

  it('a valid secret (either of the rotated pair) → a thin event in the inbox; re-read gives the real record', async () => {
    const body = {
      table: 'change_request',
      sys_id: sysId,
      sys_updated_on: '2026-03-01 09:59:59',
      short_description: 'FORGED by the sender',
    };
    const res = await acceptWebhook(
      store,
      h.connector,
      request(body, { [HEADER]: WEBHOOK_SECRET }),
    );
    expect(res).toEqual({ status: 202, body: { ok: true, stored: 1, duplicates: 0 } });
    const again = await acceptWebhook(
      store,
      h.connector,
      request(body, { [HEADER]: 'old-secret-being-rotated' }),
    );
    expect(again.body).toMatchObject({ stored: 0, duplicates: 1 });

    const [row] = await store.inbox.claim({
      workerId: 'test',
      limit: 10,
      leaseMs: 60_000,
      now: new Date('2026-03-01T10:00:01Z'),
    });
    expect(row).toMatchObject({
      kind: 'change_request',
      externalId: sysId,
      thin: true,
      event: 'webhook',
    });
    expect(row!.payload).toEqual({
      table: 'change_request',
      sys_id: sysId,
      sys_updated_on: '2026-03-01 09:59:59',
    });

    const event: SourceEvent = {
      ...row!,
      system: 'servicenow',
      payload: row!.payload,
    } as unknown as SourceEvent;
    const reread = await h.connector.reread(event);
    expect(reread).toMatchObject({ thin: false, externalId: sysId, kind: 'change_request' });
    expect((reread!.payload as Record<string, string>).short_description).toBe('Patch kernel');
    expect(h.sim.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: `/api/now/table/change_request/${sysId}`,
      status: 200,
    });
  });

  it('authenticated but unreadable bodies are accepted as `unparseable`; other tables and deletes are ignored', async () => {
    const ok = { [HEADER]: WEBHOOK_SECRET };
    const junk = await acceptWebhook(
      store,
      h.connector,
      request('{"table": "change_request", "sys_id": "x^NQ"}', ok),
    );
    expect(junk).toMatchObject({ status: 202, body: { stored: 1 } });
    const other = await acceptWebhook(
      store,
      h.connector,
      request({ table: 'sys_user', sys_id: 'a'.repeat(32) }, ok),
    );
    expect(other.body.ignored).toMatch(/not synchronised/);
    const del = await acceptWebhook(
      store,
      h.connector,
      request({ table: 'incident', sys_id: 'a'.repeat(32), operation: 'delete' }, ok),
    );
    expect(del.body.ignored).toMatch(/reconciliation/);
  });

  it('re-reading a record that is gone gives null', async () => {
    const gone: SourceEvent = {
      system: 'servicenow',
      connection: 'servicenow',
      source: 'servicenow:servicenow',
      deliveryKey: 'x',
      kind: 'change_request',
      event: 'webhook',
      externalId: 'b'.repeat(32),
      receivedAt: new Date(),
      thin: true,
      payload: {},
    };
    expect(await h.connector.reread(gone)).toBeNull();
  });

  it("the simulator's business rule posts to a webhook endpoint that stores the event", async () => {
    let server: Server | undefined;
    try {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const headers = Object.fromEntries(
            Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
          );
          void acceptWebhook(store, h.connector, {
            headers,
            rawBody: Buffer.concat(chunks),
            receivedAt: new Date(),
          }).then((r) => {
            res.writeHead(r.status, { 'content-type': 'application/json' });
            res.end(JSON.stringify(r.body));
          });
        });
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      h.sim.setBusinessRule({
        url: `http://127.0.0.1:${port}/webhooks/servicenow`,
        secret: WEBHOOK_SECRET,
      });
      const before = await pending();
      const created = h.sim.state.insert('incident', { short_description: 'payments down' });
      h.sim.state.update('incident', created.sys_id!, { state: '2' });
      await h.sim.flushOutbound();
      expect(h.sim.stats.businessRulePosts).toBe(2);
      expect(await pending()).toBeGreaterThanOrEqual(before + 1);
    } finally {
      h.sim.setBusinessRule(undefined);
      server?.closeAllConnections();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    }
  });
});
