import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { createGitHubConnector } from '../../../connectors/github/index.js';
import { signedHeaders } from '../../../connectors/github/simulator/index.js';
import { createHttpServer, databaseReadiness } from '../../../src/api/index.js';
import type { Connector } from '../../../src/model/index.js';
import { createMetrics, type Metrics } from '../../../src/report/index.js';
import {
  createHttpClientFactory,
  createNullLogger,
  systemClock,
  type Logger,
} from '../../../src/runtime/index.js';
import type { Store } from '../../../src/store/index.js';

/** Shared set-up for the HTTP side: a real GitHub connector and a real listening server. */
const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: Record<string, unknown>[];
}[];

/** A real `pull_request.opened` delivery body as GitHub sends it. */
export const PR_OPENED = JSON.stringify(
  examples.find((e) => e.name === 'pull_request')!.examples.find((b) => b.action === 'opened')!,
);
export const SECRET = 'api-test-hook-secret';

export function githubConnector(): Connector {
  const logger = createNullLogger();
  return createGitHubConnector(
    {
      name: 'gh',
      apiUrl: 'http://127.0.0.1:9', // never called: webhooks are verified locally
      auth: { type: 'token', token: 'ghp_unused00000000000000' },
      webhookSecrets: [SECRET],
      repositories: [],
    },
    { http: createHttpClientFactory({ logger }), logger, clock: systemClock },
  );
}

/** The connector with `handleWebhook` counted, to prove a request never reached it. */
export function counted(connector: Connector): { connector: Connector; calls: () => number } {
  let calls = 0;
  const wrapped: Connector = {
    system: connector.system,
    connection: connector.connection,
    streams: connector.streams,
    operations: connector.operations,
    handleWebhook: (request) => {
      calls++;
      return connector.handleWebhook(request);
    },
    reread: (event) => connector.reread(event),
    execute: (command) => connector.execute(command),
  };
  return { connector: wrapped, calls: () => calls };
}

export interface Running {
  app: FastifyInstance;
  url: string;
  metrics: Metrics;
}

export async function startServer(o: {
  store: Store;
  connectors: readonly Connector[];
  logger?: Logger;
  bodyLimitBytes?: number;
}): Promise<Running> {
  const metrics = createMetrics({ defaultMetrics: false });
  const app = createHttpServer({
    store: o.store,
    connectors: o.connectors,
    metrics,
    logger: o.logger ?? createNullLogger(),
    bodyLimitBytes: o.bodyLimitBytes ?? 1_048_576,
    ready: databaseReadiness(o.store.db),
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: address, metrics };
}

/** GitHub's own header set (from the simulator's sender), signed with `secret`. */
export function githubHeaders(delivery: string, body: string, secret = SECRET) {
  return signedHeaders('pull_request', delivery, 501, body, secret);
}

export async function post(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers, body });
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown>,
    headers: res.headers,
  };
}
