import { createHash } from 'node:crypto';
import type { WebhookOutcome, WebhookRequest } from '../../src/model/index.js';
import type { GitLabConnectorOptions } from './options.js';
import { verifyGitLabHook, verifyStatusCheck } from './webhook-auth.js';
import { parseGitLabHook } from './webhook-parse.js';

/** GitLab refuses bodies over 25 MB on its side; we take far less (hook bodies are small). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * `POST /webhooks/gitlab`: authenticate, pick the dedupe key, parse. Project hooks carry
 * `X-Gitlab-Event`; external status check requests carry none (status_checks.md), only
 * `X-GitLab-Signature`, so the header's absence routes to the status check verifier.
 */
export function handleGitLabWebhook(
  options: GitLabConnectorOptions,
  request: WebhookRequest,
): WebhookOutcome {
  const h = request.headers;
  if (request.rawBody.byteLength > MAX_BODY_BYTES) {
    return { outcome: 'rejected', status: 413, reason: 'body larger than 5 MB' };
  }
  const hookEvent = h['x-gitlab-event']?.trim();
  const auth = hookEvent
    ? verifyGitLabHook(options.webhook, h, request.rawBody, request.receivedAt)
    : verifyStatusCheck(options.webhook, h, request.rawBody);
  if (!auth.ok) {
    return { outcome: 'rejected', status: 401, reason: `[changebridge/gitlab] ${auth.reason}` };
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(request.rawBody).toString('utf8'));
  } catch {
    body = undefined;
  }
  return parseGitLabHook(
    {
      connection: options.connection,
      receivedAt: request.receivedAt,
      keyPatterns: options.keyPatterns,
    },
    {
      hookEvent: hookEvent ?? 'External Status Check',
      body,
      deliveryKey: deliveryKeyOf(h, request.rawBody),
      projects: options.projects,
    },
  );
}

/**
 * `Idempotency-Key` (GitLab 17.4+) stays the same across GitLab's retries of one
 * delivery; `X-Gitlab-Event-UUID` is the older per-event id. Status check requests carry
 * neither: the body hash makes a resend of the same request (same MR, sha, rule) one event.
 */
export function deliveryKeyOf(
  headers: Readonly<Record<string, string | undefined>>,
  rawBody: Uint8Array,
): string {
  const key = headers['idempotency-key']?.trim();
  if (key) return `idempotency:${key}`;
  const uuid = headers['x-gitlab-event-uuid']?.trim();
  if (uuid) return `event:${uuid}`;
  const id = headers['webhook-id']?.trim();
  if (id) return `webhook:${id}`;
  return `body:${createHash('sha256').update(rawBody).digest('hex')}`;
}
