import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookRequest } from '../../../src/model/index.js';
import type { GitLabConnectorOptions } from '../../../connectors/gitlab/index.js';
import {
  buildHookRequest,
  buildStatusCheckRequest,
} from '../../../connectors/gitlab/simulator/index.js';

/** The vendor-published GitLab examples (see HEADERS.md beside them). */
export const FIXTURES = '/work/shared/fixtures/gitlab';

/** `X-Gitlab-Event` per fixture, from HEADERS.md; null = external status check request. */
export const FIXTURE_EVENTS: Record<string, string | null> = {
  'push.json': 'Push Hook',
  'merge_request.json': 'Merge Request Hook',
  'pipeline.json': 'Pipeline Hook',
  'job.json': 'Job Hook',
  'deployment.json': 'Deployment Hook',
  'note_merge_request.json': 'Note Hook',
  'external_status_check.json': null,
};

export const fixtureNames = () => readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
export const fixtureText = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

export const NOW = new Date('2026-03-02T10:00:00.000Z');
export const TOKEN = 'plain-hook-token';
export const SIGNING = `whsec_${Buffer.from('signing-key-0123456789abcdef').toString('base64')}`;
export const CHECK_SECRET = 'status-check-secret';

export function options(overrides: Partial<GitLabConnectorOptions> = {}): GitLabConnectorOptions {
  return {
    connection: 'gl',
    baseUrl: 'http://127.0.0.1:9',
    token: 'glpat-test',
    projects: [],
    webhook: { tokens: ['old-token', TOKEN], statusCheckSecrets: [CHECK_SECRET] },
    ...overrides,
  };
}

/** A request exactly as GitLab would send it (headers from the simulator's sender). */
export function hookRequest(
  event: string,
  body: string,
  opts: { token?: string; signingToken?: string; now?: Date; idempotencyKey?: string } = {},
): WebhookRequest {
  const now = opts.now ?? NOW;
  const built = buildHookRequest(
    {
      url: 'http://receiver',
      token: opts.token ?? TOKEN,
      signingToken: opts.signingToken,
      uuid: 'hook-uuid',
    },
    event,
    body,
    {
      instance: 'https://gitlab.example.com',
      now,
      ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
    },
  );
  return { headers: built.headers, rawBody: Buffer.from(built.body), receivedAt: NOW };
}

/** `secret: null` sends the request unsigned. */
export function statusCheckRequest(
  body: string,
  secret: string | null = CHECK_SECRET,
): WebhookRequest {
  const built = buildStatusCheckRequest(
    { externalUrl: 'http://receiver', secret: secret ?? undefined },
    body,
  );
  return { headers: built.headers, rawBody: Buffer.from(built.body), receivedAt: NOW };
}

export function fixtureRequest(name: string): WebhookRequest {
  const event = FIXTURE_EVENTS[name];
  if (event === undefined) throw new Error(`no header mapping for fixture ${name}`);
  return event === null
    ? statusCheckRequest(fixtureText(name))
    : hookRequest(event, fixtureText(name));
}
