import { createHmac } from 'node:crypto';
import { hmacSha256, matchesAnySecret, safeEqual } from '../../src/runtime/signatures.js';
import { DEFAULT_TOLERANCE_MS, type GitLabConnectorOptions } from './options.js';

/**
 * Authenticates a GitLab delivery before anything reads its body (STYLE: verify first).
 *
 * - Project/group webhooks: `X-Gitlab-Token` is the plain shared secret (no HMAC), so it is
 *   compared in constant time against every configured token (rotation).
 * - Standard-Webhooks signing (newer GitLab, API-NOTES "unconfirmed"): when a signing token
 *   is configured, `webhook-signature` must carry `v1,<base64 HMAC-SHA256("id.ts.body")>`
 *   and `webhook-timestamp` must be within ±tolerance, which bounds replays.
 * - External status checks are not webhooks: GitLab POSTs them to the check's URL with
 *   `X-GitLab-Signature: <hex HMAC-SHA256(body)>` and no `X-Gitlab-Event` header.
 */

export type AuthResult = { ok: true } | { ok: false; reason: string };

type WebhookOptions = NonNullable<GitLabConnectorOptions['webhook']>;
type Headers = Readonly<Record<string, string | undefined>>;

export function verifyGitLabHook(
  opts: WebhookOptions | undefined,
  headers: Headers,
  rawBody: Uint8Array,
  receivedAt: Date,
): AuthResult {
  const tokens = opts?.tokens ?? [];
  const signing = opts?.signingTokens ?? [];
  if (tokens.length === 0 && signing.length === 0) {
    return fail('no webhook token or signing token is configured for this connection');
  }
  // Every configured mechanism must pass: configuring a signing token means unsigned
  // deliveries are refused even when they carry a valid plain token.
  if (tokens.length > 0 && !matchesAnySecret(tokens, headers['x-gitlab-token'], (t) => t)) {
    return fail(
      headers['x-gitlab-token'] ? 'X-Gitlab-Token does not match' : 'X-Gitlab-Token is missing',
    );
  }
  if (signing.length > 0) {
    const result = verifyStandardWebhook(signing, headers, rawBody, receivedAt, opts?.toleranceMs);
    if (!result.ok) return result;
  }
  return { ok: true };
}

export function verifyStandardWebhook(
  secrets: readonly string[],
  headers: Headers,
  rawBody: Uint8Array,
  receivedAt: Date,
  toleranceMs = DEFAULT_TOLERANCE_MS,
): AuthResult {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sig = headers['webhook-signature'];
  if (!id || !ts || !sig)
    return fail('webhook-id, webhook-timestamp or webhook-signature is missing');
  if (!/^\d{1,12}$/.test(ts)) return fail('webhook-timestamp is not whole seconds since the epoch');
  if (Math.abs(Number(ts) * 1000 - receivedAt.getTime()) > toleranceMs) {
    return fail('webhook-timestamp is outside the allowed window (stale or replayed delivery)');
  }
  // The header may list several space-separated signatures (the sender's own rotation).
  const presented = sig
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => s.slice(3));
  let matched = false;
  for (const candidate of presented) {
    for (const secret of secrets) {
      if (safeEqual(standardWebhookSignature(secret, id, ts, rawBody), candidate)) matched = true;
    }
  }
  return matched ? { ok: true } : fail('webhook-signature does not match');
}

/** base64 HMAC-SHA256 over `id.timestamp.body`; `whsec_` secrets are base64 key bytes. */
export function standardWebhookSignature(
  secret: string,
  id: string,
  timestamp: string,
  rawBody: Uint8Array,
): string {
  const key = secret.startsWith('whsec_')
    ? Buffer.from(secret.slice('whsec_'.length), 'base64')
    : Buffer.from(secret, 'utf8');
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest('base64');
}

export function verifyStatusCheck(
  opts: WebhookOptions | undefined,
  headers: Headers,
  rawBody: Uint8Array,
): AuthResult {
  const secrets = opts?.statusCheckSecrets ?? [];
  if (secrets.length === 0) {
    return fail('external status check request, but no status check secret is configured');
  }
  const header = headers['x-gitlab-signature']?.trim().toLowerCase();
  if (!header) return fail('X-GitLab-Signature is missing');
  return matchesAnySecret(secrets, header, (s) => hmacSha256(s, rawBody, 'hex'))
    ? { ok: true }
    : fail('X-GitLab-Signature does not match');
}

function fail(reason: string): AuthResult {
  return { ok: false, reason };
}
