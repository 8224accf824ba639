import { createHmac, randomUUID } from 'node:crypto';

/**
 * Sends webhooks exactly as GitHub does
 * (https://docs.github.com/webhooks/webhook-events-and-payloads#delivery-headers):
 * JSON body, `X-GitHub-Event`, `X-GitHub-Delivery` (GUID, kept on redelivery),
 * `X-GitHub-Hook-ID`, `X-Hub-Signature` (sha1, legacy) and `X-Hub-Signature-256`.
 * Waits 10 s for an answer and, like GitHub, never retries on its own.
 */
export interface SimHook {
  id: number;
  url: string;
  secret: string;
  /** Event names, or `*` for all. */
  events: readonly string[];
}

export interface SimDelivery {
  guid: string;
  hookId: number;
  event: string;
  body: string;
  status: number | null;
  error: string | null;
  response: string | null;
}

export function signedHeaders(
  event: string,
  guid: string,
  hookId: number,
  body: string,
  secret: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/changebridge-sim',
    'x-github-event': event,
    'x-github-delivery': guid,
    'x-github-hook-id': String(hookId),
    'x-github-hook-installation-target-type': 'repository',
    'x-github-hook-installation-target-id': '1',
    'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  };
}

export class WebhookSender {
  readonly hooks: SimHook[] = [];
  readonly deliveries: SimDelivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private nextHookId = 500;

  addHook(url: string, secret: string, events: readonly string[] = ['*']): SimHook {
    const hook = { id: ++this.nextHookId, url, secret, events };
    this.hooks.push(hook);
    return hook;
  }

  send(event: string, payload: Record<string, unknown>): void {
    const body = JSON.stringify(payload);
    for (const hook of this.hooks) {
      if (!hook.events.includes('*') && !hook.events.includes(event)) continue;
      this.deliver(hook, {
        guid: randomUUID(),
        hookId: hook.id,
        event,
        body,
        status: null,
        error: null,
        response: null,
      });
    }
  }

  /** GitHub's "Redeliver" button: same GUID, same body, a fresh signature. */
  redeliver(guid: string): void {
    const original = this.deliveries.find((d) => d.guid === guid);
    const hook = original && this.hooks.find((h) => h.id === original.hookId);
    if (!original || !hook)
      throw new Error(`[changebridge/github-sim] no delivery ${guid} to redeliver`);
    this.deliver(hook, { ...original, status: null, error: null, response: null });
  }

  /** Resolves when every delivery started so far has been answered or failed. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private deliver(hook: SimHook, delivery: SimDelivery): void {
    this.deliveries.push(delivery);
    const p = (async () => {
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers: signedHeaders(
            delivery.event,
            delivery.guid,
            hook.id,
            delivery.body,
            hook.secret,
          ),
          body: delivery.body,
          signal: AbortSignal.timeout(10_000),
        });
        delivery.status = res.status;
        delivery.response = (await res.text()).slice(0, 2000);
      } catch (error) {
        delivery.error = error instanceof Error ? error.message : String(error);
      }
    })().finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}
