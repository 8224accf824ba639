import { createRequire } from 'node:module';
import { createGitHubConnector } from '../../../connectors/github/index.js';
import { acceptWebhook } from '../../../src/ingest/index.js';
import type { WebhookRequest } from '../../../src/model/index.js';
import {
  createHttpClientFactory,
  createNullLogger,
  hmacSha256,
  systemClock,
} from '../../../src/runtime/index.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';

/** acceptWebhook + the real store: signature failures store nothing, replays store once. */
const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: Record<string, unknown>[];
}[];
const opened = examples
  .find((e) => e.name === 'pull_request')!
  .examples.find((b) => b.action === 'opened')!;
const RAW = Buffer.from(JSON.stringify(opened));
const OLD = 'old-secret-rotating-out';
const NEW = 'new-secret-rotating-in';

const connector = createGitHubConnector(
  {
    name: 'gh',
    apiUrl: 'https://api.github.com',
    auth: { type: 'token', token: 'ghp_unused00000000000000' },
    webhookSecrets: [OLD, NEW],
    repositories: [],
  },
  {
    http: createHttpClientFactory({ logger: createNullLogger() }),
    logger: createNullLogger(),
    clock: systemClock,
  },
);

function request(
  delivery: string,
  o: { body?: Buffer; secret?: string; signature?: string | null } = {},
): WebhookRequest {
  const body = o.body ?? RAW;
  const signature =
    o.signature === null
      ? undefined
      : (o.signature ?? `sha256=${hmacSha256(o.secret ?? NEW, body, 'hex')}`);
  return {
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signature,
    },
    rawBody: body,
    receivedAt: new Date('2026-03-01T10:00:00Z'),
  };
}

describeEachDatabase('GitHub webhook acceptance', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Store;
  beforeAll(() => {
    store = createStore(handle.get());
  });
  const pending = async () => (await store.inbox.counts()).pending ?? 0;

  it.each([
    ['forged signature', request('f-1', { signature: `sha256=${'0'.repeat(64)}` })],
    [
      'altered body',
      request('f-2', {
        signature: `sha256=${hmacSha256(NEW, RAW, 'hex')}`,
        body: Buffer.from(RAW.toString().replace('"opened"', '"closed"')),
      }),
    ],
    ['wrong secret', request('f-3', { secret: 'not-the-secret' })],
    ['missing header', request('f-4', { signature: null })],
    ['sha1 signature only', request('f-5', { signature: `sha1=${'a'.repeat(40)}` })],
    ['empty header', request('f-6', { signature: '' })],
  ])('%s → 401 and nothing stored', async (_label, req) => {
    const before = await pending();
    const res = await acceptWebhook(store, connector, req);
    expect(res.status).toBe(401);
    expect(res.body.ok).toBe(false);
    expect(await pending()).toBe(before);
  });

  it('accepts both secrets while rotating', async () => {
    const before = await pending();
    expect(
      (await acceptWebhook(store, connector, request('rot-old', { secret: OLD }))).status,
    ).toBe(202);
    expect(
      (await acceptWebhook(store, connector, request('rot-new', { secret: NEW }))).status,
    ).toBe(202);
    expect(await pending()).toBe(before + 2);
  });

  it('a delivery replayed 20 times concurrently → one source event', async () => {
    const before = await pending();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => acceptWebhook(store, connector, request('replay-1'))),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);
    expect(results.reduce((n, r) => n + (r.body.stored ?? 0), 0)).toBe(1);
    expect(results.reduce((n, r) => n + (r.body.duplicates ?? 0), 0)).toBe(19);
    expect(await pending()).toBe(before + 1);
  });

  it('stores the event with its keys and the delivery id as dedupe key', async () => {
    const rows = await store.inbox.claim({
      workerId: 't',
      limit: 100,
      leaseMs: 60_000,
      now: new Date(),
    });
    const row = rows.find((r) => r.deliveryKey === 'replay-1');
    expect(row).toMatchObject({
      source: 'github:gh',
      kind: 'pull_request',
      event: 'pull_request.opened',
    });
  });

  it('ignored events answer 202 and store nothing', async () => {
    const body = Buffer.from(JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 }));
    const before = await pending();
    const res = await acceptWebhook(store, connector, {
      ...request('ping-1', { body }),
      headers: { ...request('ping-1', { body }).headers, 'x-github-event': 'ping' },
    });
    expect(res).toMatchObject({ status: 202, body: { ignored: expect.stringMatching(/ping/) } });
    expect(await pending()).toBe(before);
  });
});
