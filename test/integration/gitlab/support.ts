import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createGitLabConnector,
  type GitLabConnectorOptions,
} from '../../../connectors/gitlab/index.js';
import {
  seedGitLab,
  startGitLabSimulator,
  type GitLabSimulator,
  type GitLabSimulatorOptions,
  type SeedResult,
} from '../../../connectors/gitlab/simulator/index.js';
import type { Connector, WebhookRequest } from '../../../src/model/index.js';
import {
  createHttpClientFactory,
  createNullLogger,
  type HttpClientFactoryOptions,
} from '../../../src/runtime/index.js';

export const BOT_TOKEN = 'glpat-changebridge-bot-0001';
export const HOOK_TOKEN = 'hook-token-current';

export interface GitLabWorld {
  sim: GitLabSimulator;
  seed: SeedResult;
  connector: Connector;
  options: GitLabConnectorOptions;
}

/** A seeded simulator and a connector pointed at it over loopback HTTP. */
export async function startWorld(
  opts: {
    sim?: GitLabSimulatorOptions;
    connector?: Partial<GitLabConnectorOptions>;
    http?: HttpClientFactoryOptions['defaults'];
    mergeRequests?: number;
  } = {},
): Promise<GitLabWorld> {
  const sim = await startGitLabSimulator({ autoDeliver: false, ...opts.sim });
  const seed = seedGitLab(sim.state, { token: BOT_TOKEN, mergeRequests: opts.mergeRequests ?? 3 });
  const options: GitLabConnectorOptions = {
    connection: 'gl',
    baseUrl: sim.url,
    token: BOT_TOKEN,
    projects: ['acme/payments'],
    webhook: { tokens: [HOOK_TOKEN] },
    ...opts.connector,
  };
  const http = createHttpClientFactory({
    defaults: { intervalCap: 0, jitter: 'none', baseBackoffMs: 5, maxRetries: 3, ...opts.http },
    logger: createNullLogger(),
  });
  return { sim, seed, connector: createGitLabConnector(options, { http }), options };
}

/** A loopback receiver standing in for `POST /webhooks/gitlab`. */
export async function startReceiver(
  handle: (request: WebhookRequest) => Promise<{ status: number; body: unknown }>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      handle({ headers, rawBody: Buffer.concat(chunks), receivedAt: new Date() })
        .then((r) => {
          res.writeHead(r.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(r.body));
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/gitlab`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
