import { createHmac, randomUUID } from 'node:crypto';
import { renderComment, renderIssue, renderUser, type RenderContext } from './simulator-render.js';
import type { SimChange, SimState } from './simulator-state.js';

/**
 * Sends webhooks the way a Jira Cloud admin webhook with a secret does: JSON body,
 * `X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body)>`, an
 * `X-Atlassian-Webhook-Identifier` that stays the same across retries, and retries on
 * 408/409/425/429/5xx and network errors (Jira keeps trying for about 30 minutes).
 */

export interface WebhookRegistration {
  url: string;
  secret?: string;
  /** e.g. `jira:issue_updated`, `comment_created`; empty: all. */
  events?: string[];
}

export interface WebhookSenderOptions {
  /** Wait before each retry; its length is the number of retries. */
  retryDelaysMs: number[];
}

export interface DeliveryRecord {
  identifier: string;
  event: string;
  url: string;
  attempts: number[];
  delivered: boolean;
}

const RETRYABLE = new Set([408, 409, 425, 429]);

export class WebhookSender {
  private readonly registrations: WebhookRegistration[] = [];
  private readonly pending = new Set<Promise<void>>();
  readonly deliveries: DeliveryRecord[] = [];
  private readonly options: WebhookSenderOptions;

  constructor(
    state: SimState,
    private readonly ctx: () => RenderContext,
    options: Partial<WebhookSenderOptions>,
    private readonly now: () => number = Date.now,
  ) {
    this.options = { retryDelaysMs: options.retryDelaysMs ?? [10_000, 60_000, 300_000, 900_000] };
    state.onChange((change) => this.dispatch(change));
  }

  register(registration: WebhookRegistration): void {
    this.registrations.push(registration);
  }

  /** Resolves when every delivery (with its retries) has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  payloadFor(change: SimChange): { event: string; body: Record<string, unknown> } {
    const ctx = this.ctx();
    const timestamp = this.now();
    switch (change.type) {
      case 'issue_created':
      case 'issue_updated':
      case 'issue_deleted': {
        const event = `jira:${change.type}`;
        const body: Record<string, unknown> = {
          timestamp,
          webhookEvent: event,
          issue_event_type_name: change.type === 'issue_updated' ? 'issue_generic' : change.type,
          user: renderUser(ctx, change.user),
          issue: renderIssue(ctx, change.issue, ['*all'], []),
        };
        if (change.history) body.changelog = { id: change.history.id, items: change.history.items };
        return { event, body };
      }
      case 'comment_created':
      case 'comment_updated':
      case 'comment_deleted':
        return {
          event: change.type,
          body: {
            timestamp,
            webhookEvent: change.type,
            comment: renderComment(ctx, change.issue, change.comment),
            // Comment events carry a trimmed issue, as in Jira.
            issue: renderIssue(
              ctx,
              change.issue,
              ['summary', 'issuetype', 'project', 'assignee', 'priority', 'status'],
              [],
            ),
          },
        };
      case 'issue_property_set':
        return {
          event: 'issue_property_set',
          body: {
            timestamp,
            webhookEvent: 'issue_property_set',
            property: {
              key: change.propertyKey,
              value: change.issue.properties.get(change.propertyKey),
            },
            issue: {
              id: change.issue.id,
              key: change.issue.key,
              self: `${ctx.baseUrl}/rest/api/3/issue/${change.issue.id}`,
            },
          },
        };
    }
  }

  private dispatch(change: SimChange): void {
    if (this.registrations.length === 0) return;
    const { event, body } = this.payloadFor(change);
    const raw = JSON.stringify(body);
    for (const reg of this.registrations) {
      if (reg.events && reg.events.length > 0 && !reg.events.includes(event)) continue;
      const p = this.deliver(reg, event, raw).finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
  }

  private async deliver(reg: WebhookRegistration, event: string, raw: string): Promise<void> {
    const record: DeliveryRecord = {
      identifier: randomUUID(),
      event,
      url: reg.url,
      attempts: [],
      delivered: false,
    };
    this.deliveries.push(record);
    if (this.deliveries.length > 10_000) this.deliveries.shift();
    const delays = this.options.retryDelaysMs;
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, delays[attempt - 1]));
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Atlassian Webhook HTTP Client',
        'x-atlassian-webhook-identifier': record.identifier,
        'x-atlassian-webhook-flow': attempt === 0 ? 'Primary' : 'Retry',
      };
      if (attempt > 0) headers['x-atlassian-webhook-retry'] = String(attempt);
      if (reg.secret)
        headers['x-hub-signature'] =
          `sha256=${createHmac('sha256', reg.secret).update(raw).digest('hex')}`;
      let status = 0;
      try {
        const res = await fetch(reg.url, {
          method: 'POST',
          headers,
          body: raw,
          signal: AbortSignal.timeout(10_000),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      record.attempts.push(status);
      if (status >= 200 && status < 300) {
        record.delivered = true;
        return;
      }
      if (status !== 0 && !RETRYABLE.has(status) && status < 500) return;
    }
  }
}
