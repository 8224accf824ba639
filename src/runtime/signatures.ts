import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook authentication primitives shared by every connector (STYLE: verify first,
 * timing-safe). Several secrets may be configured at once so they can be rotated without
 * dropping deliveries; every candidate is always compared, so the time taken does not
 * reveal which secret (if any) matched.
 */

/** Constant-time string equality, including for strings of different length. */
export function safeEqual(a: string, b: string): boolean {
  // Hash both sides first: timingSafeEqual needs equal lengths, and comparing digests
  // leaks nothing about the length or content of the secret.
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

export function hmacSha256(
  secret: string,
  body: Uint8Array | string,
  encoding: 'hex' | 'base64',
): string {
  return createHmac('sha256', secret).update(body).digest(encoding);
}

/** True when `presented` equals `expected(secret)` for at least one secret. */
export function matchesAnySecret(
  secrets: readonly string[],
  presented: string | undefined,
  expected: (secret: string) => string,
): boolean {
  if (presented === undefined || presented === '' || secrets.length === 0) return false;
  let matched = false;
  for (const secret of secrets) {
    if (safeEqual(expected(secret), presented)) matched = true;
  }
  return matched;
}

/** `X-Hub-Signature-256: sha256=<hex>` (GitHub) and `X-Hub-Signature: sha256=<hex>` (Jira). */
export function verifyHubSignature(
  secrets: readonly string[],
  rawBody: Uint8Array,
  header: string | undefined,
): boolean {
  return matchesAnySecret(
    secrets,
    header?.trim(),
    (s) => `sha256=${hmacSha256(s, rawBody, 'hex')}`,
  );
}
