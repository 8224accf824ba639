import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GitHubConnector } from '../../../connectors/github/index.js';
import type { GitHubSimulator } from '../../../connectors/github/simulator/index.js';
import { acceptWebhook } from '../../../src/ingest/index.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { connectorFor, startSim } from './support.js';

/**
 * The simulator's signed webhooks, received over real HTTP and accepted into the inbox:
 * the whole seeded story (PRs, reviews, merge, direct push, deployment, protection rule).
 */
function receiver(
  store: Store,
  connector: GitHubConnector,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      acceptWebhook(store, connector, {
        headers,
        rawBody: Buffer.concat(chunks),
        receivedAt: new Date(),
      })
        .then((out) => {
          res.writeHead(out.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(out.body));
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/github`,
      }),
    ),
  );
}

describeEachDatabase('GitHub simulator webhooks', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Store;
  let sim: GitHubSimulator;
  let hook: { server: Server; url: string };
  beforeAll(async () => {
    store = createStore(handle.get());
    sim = await startSim();
    hook = await receiver(store, connectorFor(sim));
    sim.sender.addHook(hook.url, 'hook-secret-1');
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((r) => hook.server.close(r));
  });

  it('every seeded event arrives signed and is stored once', async () => {
    sim.seed({ repositories: ['acme/payments'], count: 3 });
    await sim.sender.flush();
    const deliveries = sim.sender.deliveries;
    expect(new Set(deliveries.map((d) => d.event))).toEqual(
      new Set([
        'pull_request',
        'pull_request_review',
        'push',
        'deployment',
        'deployment_status',
        'deployment_protection_rule',
      ]),
    );
    expect(deliveries.every((d) => d.status === 202)).toBe(true);
    expect((await store.inbox.counts()).pending).toBe(deliveries.length);
  });

  it('a redelivery keeps its GUID and is stored as a duplicate', async () => {
    const first = sim.sender.deliveries[0]!;
    const before = (await store.inbox.counts()).pending;
    sim.sender.redeliver(first.guid);
    await sim.sender.flush();
    const again = sim.sender.deliveries.at(-1)!;
    expect(again.guid).toBe(first.guid);
    expect(JSON.parse(again.response ?? '{}')).toMatchObject({ duplicates: 1 });
    expect((await store.inbox.counts()).pending).toBe(before);
  });

  it('a hook with the wrong secret is refused: 401 and nothing stored', async () => {
    const before = (await store.inbox.counts()).pending;
    const bad = sim.sender.addHook(hook.url, 'someone-elses-secret', ['push']);
    sim.state.push('acme/payments', { branch: 'main', pusher: 'mallory', message: 'sneaky' });
    await sim.sender.flush();
    const refused = sim.sender.deliveries.filter((d) => d.hookId === bad.id);
    expect(refused.map((d) => d.status)).toEqual([401]);
    expect((await store.inbox.counts()).pending).toBe((before ?? 0) + 1); // only the good hook's copy
  });
});
