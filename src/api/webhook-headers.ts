import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Node already lower-cases names; repeated headers arrive as arrays and are joined. */
export function normaliseHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Headers senders put their delivery id in, in the order we trust them. */
const DELIVERY_HEADERS = [
  'x-github-delivery',
  'x-gitlab-event-uuid',
  'x-gitlab-webhook-uuid',
  'x-atlassian-webhook-identifier',
  'x-request-id',
];

/**
 * A correlation id for logs: the sender's delivery id, else a short hash of the body, so
 * an operator can match a failure to the sender's delivery log without the payload.
 */
export function deliveryIdOf(
  headers: Readonly<Record<string, string | undefined>>,
  rawBody: Uint8Array,
): string {
  for (const name of DELIVERY_HEADERS) {
    const value = headers[name]?.trim();
    if (value) return value.slice(0, 128);
  }
  return `sha256:${createHash('sha256').update(rawBody).digest('hex').slice(0, 16)}`;
}
