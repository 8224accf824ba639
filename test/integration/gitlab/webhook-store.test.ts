import { acceptWebhook } from '../../../src/ingest/index.js';
import type { WebhookRequest } from '../../../src/model/index.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { createGitLabConnector } from '../../../connectors/gitlab/index.js';
import { createHttpClientFactory, createNullLogger } from '../../../src/runtime/index.js';
import {
  CHECK_SECRET,
  SIGNING,
  TOKEN,
  fixtureText,
  hookRequest,
  options,
  statusCheckRequest,
} from '../../unit/gitlab/support.js';
import { HOOK_TOKEN, startReceiver, startWorld, type GitLabWorld } from './support.js';

const http = createHttpClientFactory({ logger: createNullLogger() });
const connector = createGitLabConnector(
  options({
    webhook: { tokens: [TOKEN], signingTokens: [SIGNING], statusCheckSecrets: [CHECK_SECRET] },
  }),
  { http },
);
const mr = fixtureText('merge_request.json');
const signedMr = () => hookRequest('Merge Request Hook', mr, { signingToken: SIGNING });
const set = (r: WebhookRequest, h: Record<string, string | undefined>): WebhookRequest => ({
  ...r,
  headers: { ...r.headers, ...h },
});
const total = async (store: Store) =>
  Object.values(await store.inbox.counts()).reduce((a, b) => a + b, 0);

describeEachDatabase('GitLab webhooks into the inbox', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Store;
  beforeAll(() => {
    store = createStore(handle.get());
  });

  it.each([
    ['wrong X-Gitlab-Token', () => set(signedMr(), { 'x-gitlab-token': 'wrong' })],
    ['missing X-Gitlab-Token', () => set(signedMr(), { 'x-gitlab-token': undefined })],
    ['missing webhook-signature', () => set(signedMr(), { 'webhook-signature': undefined })],
    ['forged webhook-signature', () => set(signedMr(), { 'webhook-signature': 'v1,Zm9yZ2Vk' })],
    [
      'altered body',
      () => ({ ...signedMr(), rawBody: Buffer.from(mr.replace('"iid": 1', '"iid": 2')) }),
    ],
    [
      'stale webhook-timestamp',
      () =>
        hookRequest('Merge Request Hook', mr, {
          signingToken: SIGNING,
          now: new Date(Date.parse('2026-03-02T09:50:00Z')),
        }),
    ],
    [
      'bad X-GitLab-Signature',
      () => statusCheckRequest(fixtureText('external_status_check.json'), 'not-the-secret'),
    ],
    [
      'missing X-GitLab-Signature',
      () => statusCheckRequest(fixtureText('external_status_check.json'), null),
    ],
  ])('%s → 401 and nothing stored', async (_name, build) => {
    const before = await total(store);
    const res = await acceptWebhook(store, connector, build());
    expect(res.status).toBe(401);
    expect(res.body.ok).toBe(false);
    expect(await total(store)).toBe(before);
  });

  it('a delivery replayed 20 times concurrently is stored once', async () => {
    const req = hookRequest('Merge Request Hook', mr, {
      signingToken: SIGNING,
      idempotencyKey: 'replay-20',
    });
    const before = await total(store);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => acceptWebhook(store, connector, req)),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);
    expect(results.reduce((n, r) => n + (r.body.stored ?? 0), 0)).toBe(1);
    expect(results.reduce((n, r) => n + (r.body.duplicates ?? 0), 0)).toBe(19);
    expect(await total(store)).toBe(before + 1);
  });

  it('a retry with a new X-Gitlab-Event-UUID but the same Idempotency-Key is a duplicate', async () => {
    const a = hookRequest('Merge Request Hook', mr, {
      signingToken: SIGNING,
      idempotencyKey: 'retry-1',
    });
    const b = set(a, { 'x-gitlab-event-uuid': 'another-uuid' });
    expect((await acceptWebhook(store, connector, a)).body.stored).toBe(1);
    expect((await acceptWebhook(store, connector, b)).body).toMatchObject({
      stored: 0,
      duplicates: 1,
    });
  });

  describe('hooks sent by the simulator over loopback', () => {
    let world: GitLabWorld;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    beforeAll(async () => {
      world = await startWorld({
        sim: { autoDeliver: true },
        connector: {
          webhook: {
            tokens: [HOOK_TOKEN],
            signingTokens: [SIGNING],
            statusCheckSecrets: [CHECK_SECRET],
          },
        },
      });
      receiver = await startReceiver((r) => acceptWebhook(store, world.connector, r));
    });
    afterAll(async () => {
      await world.sim.close();
      await receiver.close();
    });

    it('are signed both ways, accepted and stored; status check requests too', async () => {
      const { state } = world.sim;
      const p = state.project('acme/payments');
      state.addHook(p.id, { url: receiver.url, token: HOOK_TOKEN, signingToken: SIGNING });
      state.addStatusCheck(p.id, {
        name: 'changebridge',
        externalUrl: receiver.url,
        secret: CHECK_SECRET,
      });
      const before = await total(store);
      const opened = state.openMergeRequest(p.id, {
        title: 'CHG0030100 new fee',
        sourceBranch: 'ops-9-fee',
        authorId: world.seed.developer.id,
      });
      state.approve(p.id, opened.iid, world.seed.reviewer.id);
      state.merge(p.id, opened.iid, world.seed.reviewer.id);
      state.deploy(p.id, {
        environment: 'production',
        ref: 'main',
        userId: world.seed.developer.id,
        requiredApprovals: 1,
      });
      await world.sim.flush();
      const statuses = world.sim.sender.deliveries.map((d) => `${d.hookEvent}:${d.status}`);
      expect(statuses.every((s) => s.endsWith(':202'))).toBe(true);
      // push (branch created), open, status check, approved, merge, deployment
      expect(statuses).toHaveLength(6);
      expect(await total(store)).toBe(before + 6);
    });

    it('GitLab\'s "Resend request" is re-signed, accepted and stored as a duplicate', async () => {
      const first = world.sim.sender.deliveries.find((d) => d.hookEvent === 'Merge Request Hook')!;
      const before = await total(store);
      await world.sim.resend(first.id);
      expect(first).toMatchObject({ status: 202, attempts: 2 });
      expect(await total(store)).toBe(before);
    });

    it('a hook sent with the wrong token is refused with 401 and not stored', async () => {
      const { state } = world.sim;
      const p = state.project('acme/payments');
      p.hooks.length = 0;
      state.addHook(p.id, { url: receiver.url, token: 'stale-token', signingToken: SIGNING });
      const before = await total(store);
      state.push(p.id, 'main', ['direct push CHG0030101'], world.seed.developer.id);
      await world.sim.flush();
      expect(world.sim.sender.deliveries.at(-1)?.status).toBe(401);
      expect(await total(store)).toBe(before);
    });
  });
});
