import type { Server } from 'node:http';
import { systemClock, type Clock } from '../../../src/runtime/index.js';
import { Credentials, type CredentialOptions } from './credentials.js';
import { FaultQueue } from './faults.js';
import { RateLimiter, type RateLimitOptions } from './limits.js';
import { seedGitHub, type SeedOptions } from './seeder.js';
import { startServer, type ServerParts } from './server.js';
import { GitHubSimState } from './state.js';
import { WebhookSender } from './webhook-sender.js';

/**
 * A stateful GitHub on 127.0.0.1 for tests, the demo and benchmarks: REST (the endpoints
 * changebridge uses), signed webhooks, rate limits and fault injection.
 */
export interface GitHubSimulatorOptions extends CredentialOptions {
  port?: number;
  clock?: Clock;
  rateLimit?: RateLimitOptions;
  /** Webhook receivers; more can be added with `sender.addHook`. */
  hooks?: { url: string; secret: string; events?: readonly string[] }[];
}

export interface GitHubSimulator {
  /** Base URL of the REST API (what the connector's `apiUrl` should be). */
  readonly url: string;
  readonly state: GitHubSimState;
  readonly sender: WebhookSender;
  readonly faults: FaultQueue;
  readonly limiter: RateLimiter;
  readonly credentials: Credentials;
  readonly log: ServerParts['log'];
  seed(options?: Omit<SeedOptions, 'apiUrl'>): void;
  close(): Promise<void>;
}

export async function startGitHubSimulator(
  options: GitHubSimulatorOptions = {},
): Promise<GitHubSimulator> {
  const clock = options.clock ?? systemClock;
  const state = new GitHubSimState(clock, options.app?.installationId);
  const sender = new WebhookSender();
  for (const h of options.hooks ?? []) sender.addHook(h.url, h.secret, h.events);
  state.emit = (event, body) => sender.send(event, body);
  const parts: ServerParts = {
    state,
    credentials: new Credentials(options),
    limiter: new RateLimiter(options.rateLimit),
    faults: new FaultQueue(),
    clock,
    log: [],
  };
  const { server, url } = await startServer(parts, options.port ?? 0);
  return {
    url,
    state,
    sender,
    faults: parts.faults,
    limiter: parts.limiter,
    credentials: parts.credentials,
    log: parts.log,
    seed: (o = {}) => seedGitHub(state, { ...o, apiUrl: url }),
    close: () => closeServer(server, sender),
  };
}

async function closeServer(server: Server, sender: WebhookSender): Promise<void> {
  await sender.flush();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export { GitHubSimState } from './state.js';
export { WebhookSender, signedHeaders, type SimHook, type SimDelivery } from './webhook-sender.js';
export type { Fault } from './faults.js';
export { SECONDARY_MESSAGE } from './limits.js';
