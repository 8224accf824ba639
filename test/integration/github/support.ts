import { generateKeyPairSync } from 'node:crypto';
import { createGitHubConnector, type GitHubConnector } from '../../../connectors/github/index.js';
import type { GitHubConnectorOptions } from '../../../connectors/github/options.js';
import {
  startGitHubSimulator,
  type GitHubSimulator,
  type GitHubSimulatorOptions,
} from '../../../connectors/github/simulator/index.js';
import {
  createHttpClientFactory,
  createNullLogger,
  systemClock,
  type Clock,
} from '../../../src/runtime/index.js';

/** Shared set-up for GitHub tests against the simulator over real loopback HTTP. */
export const PAT = 'ghp_simulatortoken0000000000000000000001';
export const APP_ID = 1234;
export const INSTALLATION_ID = 4242;

let keys: { privateKey: string; publicKey: string } | undefined;
export function appKeys(): { privateKey: string; publicKey: string } {
  keys ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return keys;
}

export function startSim(o: GitHubSimulatorOptions = {}): Promise<GitHubSimulator> {
  return startGitHubSimulator({
    tokens: [PAT],
    app: { appId: APP_ID, publicKeyPem: appKeys().publicKey, installationId: INSTALLATION_ID },
    ...o,
  });
}

export function connectorFor(
  sim: GitHubSimulator,
  o: Partial<GitHubConnectorOptions> & { app?: boolean } = {},
  clock: Clock = systemClock,
): GitHubConnector {
  const http = createHttpClientFactory({
    logger: createNullLogger(),
    clock,
    defaults: { maxRetries: 2, baseBackoffMs: 1, maxBackoffMs: 5, jitter: 'none', intervalCap: 0 },
  });
  const { app, ...rest } = o;
  return createGitHubConnector(
    {
      name: 'gh',
      apiUrl: sim.url,
      auth: app
        ? {
            type: 'app',
            appId: APP_ID,
            privateKey: appKeys().privateKey,
            installationId: INSTALLATION_ID,
          }
        : { type: 'token', token: PAT },
      webhookSecrets: ['hook-secret-1'],
      repositories: ['acme/payments'],
      ...rest,
    },
    { http, logger: createNullLogger(), clock },
  );
}

/** Writes the simulator recorded (statuses, check runs, comments, reviews). */
export function writeCount(sim: GitHubSimulator): number {
  return sim.state.writes.length;
}
