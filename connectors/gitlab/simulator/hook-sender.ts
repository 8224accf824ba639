import { hmacSha256 } from '../../../src/runtime/index.js';
import { standardWebhookSignature } from '../webhook-auth.js';
import type { SimHook, SimStatusCheckRule } from './model.js';
import { uuid } from './state.js';

/**
 * Sends hooks exactly as GitLab does: `X-Gitlab-Event`, `X-Gitlab-Token` (plain secret),
 * `X-Gitlab-Event-UUID`, `Idempotency-Key` (same on every retry of one delivery),
 * `X-Gitlab-Instance`, `X-Gitlab-Webhook-UUID`, and — when a signing token is set — the
 * Standard-Webhooks trio. Status check requests go to the rule's URL with only
 * `X-GitLab-Signature` (hex HMAC of the body) when the rule has a secret.
 */

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Delivery {
  id: string;
  request: OutgoingRequest;
  hookEvent: string;
  status: number | null;
  error: string | null;
  attempts: number;
}

export function buildHookRequest(
  hook: Pick<SimHook, 'url' | 'token' | 'signingToken' | 'uuid'>,
  hookEvent: string,
  body: string,
  opts: { instance: string; now: Date; idempotencyKey?: string; eventUuid?: string },
): OutgoingRequest {
  const idempotencyKey = opts.idempotencyKey ?? uuid();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitLab/17.8.0',
    'x-gitlab-event': hookEvent,
    'x-gitlab-webhook-uuid': hook.uuid,
    'x-gitlab-instance': opts.instance,
    'x-gitlab-event-uuid': opts.eventUuid ?? uuid(),
    'idempotency-key': idempotencyKey,
  };
  if (hook.token) headers['x-gitlab-token'] = hook.token;
  if (hook.signingToken) {
    const ts = String(Math.floor(opts.now.getTime() / 1000));
    // The message id stays the same across retries; timestamp and signature are fresh.
    headers['webhook-id'] = `msg_${idempotencyKey}`;
    headers['webhook-timestamp'] = ts;
    headers['webhook-signature'] =
      `v1,${standardWebhookSignature(hook.signingToken, headers['webhook-id'], ts, Buffer.from(body))}`;
  }
  return { url: hook.url, headers, body };
}

export function buildStatusCheckRequest(
  rule: Pick<SimStatusCheckRule, 'externalUrl' | 'secret'>,
  body: string,
): OutgoingRequest {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitLab/17.8.0',
  };
  if (rule.secret) headers['x-gitlab-signature'] = hmacSha256(rule.secret, body, 'hex');
  return { url: rule.externalUrl, headers, body };
}

/** Delivers requests, keeps a log, and lets tests wait for everything in flight. */
export class HookSender {
  readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly timeoutMs = 10_000) {}

  send(hookEvent: string, request: OutgoingRequest): Delivery {
    const d: Delivery = { id: uuid(), request, hookEvent, status: null, error: null, attempts: 0 };
    this.deliveries.push(d);
    this.track(this.attempt(d));
    return d;
  }

  /** Re-sends a logged delivery with the same headers (a manual "Resend request"). */
  redeliver(id: string, rebuilt?: OutgoingRequest): Promise<void> {
    const d = this.deliveries.find((x) => x.id === id);
    if (!d) throw new Error(`[changebridge/gitlab-sim] no delivery ${id}`);
    if (rebuilt) d.request = rebuilt;
    return this.track(this.attempt(d));
  }

  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<void>): Promise<void> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  private async attempt(d: Delivery): Promise<void> {
    d.attempts += 1;
    try {
      const res = await fetch(d.request.url, {
        method: 'POST',
        headers: d.request.headers,
        body: d.request.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.arrayBuffer();
      d.status = res.status;
      d.error = null;
    } catch (error) {
      d.error = error instanceof Error ? error.message : String(error);
    }
  }
}
