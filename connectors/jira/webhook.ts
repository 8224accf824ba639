import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  eventSource,
  type SourceEvent,
  type WebhookOutcome,
  type WebhookRequest,
} from '../../src/model/index.js';
import { verifyHubSignature } from '../../src/runtime/index.js';

/**
 * Jira Cloud admin webhooks (secret set): verify `X-Hub-Signature: sha256=<hex>` over the
 * raw body first, against every configured secret (rotation), in constant time; then
 * parse. The delivery key is `X-Atlassian-Webhook-Identifier`, which Jira keeps across
 * its retries, so a retry or replay lands on the inbox row the first delivery made.
 */

const ISSUE_EVENTS = new Set(['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted']);
const THIN_EVENTS = new Set([
  'comment_created',
  'comment_updated',
  'comment_deleted',
  'issue_property_set',
]);

const bodySchema = z.looseObject({
  webhookEvent: z.string(),
  timestamp: z.number().optional(),
  issue: z.looseObject({ id: z.string(), key: z.string().optional() }).optional(),
});

export interface JiraWebhookOptions {
  connection: string;
  secrets: readonly string[];
}

export function handleJiraWebhook(
  options: JiraWebhookOptions,
  request: WebhookRequest,
): WebhookOutcome {
  const { headers, rawBody } = request;
  if (options.secrets.length === 0) {
    return {
      outcome: 'rejected',
      status: 401,
      reason: 'no webhook secret is configured for this Jira connection (jira.webhook.secrets)',
    };
  }
  const signature = headers['x-hub-signature'];
  if (signature === undefined || signature === '') {
    return {
      outcome: 'rejected',
      status: 401,
      reason: 'missing X-Hub-Signature header: create the Jira webhook with a secret',
    };
  }
  if (!verifyHubSignature(options.secrets, rawBody, signature)) {
    return {
      outcome: 'rejected',
      status: 401,
      reason: 'X-Hub-Signature does not match the body under any configured secret',
    };
  }

  const identifier = headers['x-atlassian-webhook-identifier']?.trim();
  const deliveryKey = identifier
    ? `webhook:${identifier}`
    : `body:${createHash('sha256').update(rawBody).digest('hex')}`;
  const base = {
    system: 'jira' as const,
    connection: options.connection,
    source: eventSource('jira', options.connection),
    deliveryKey,
    kind: 'issue',
    receivedAt: request.receivedAt,
  };

  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(rawBody).toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) {
    // Authenticated but not understood: keep it, so processing dead-letters it with a reason.
    const event: SourceEvent = {
      ...base,
      event: 'unparseable',
      externalId: null,
      thin: true,
      payload: { raw: Buffer.from(rawBody).toString('utf8').slice(0, 65_536) },
    };
    return { outcome: 'accepted', events: [event] };
  }
  const body = parsed.data;
  const name = body.webhookEvent;
  if (!ISSUE_EVENTS.has(name) && !THIN_EVENTS.has(name)) {
    return {
      outcome: 'ignored',
      reason: `Jira webhook event "${name}" is not one changebridge uses`,
    };
  }
  if (!body.issue) {
    return {
      outcome: 'accepted',
      events: [{ ...base, event: 'unparseable', externalId: null, thin: true, payload: body }],
    };
  }
  return {
    outcome: 'accepted',
    events: [
      {
        ...base,
        event: name,
        externalId: body.issue.key ?? body.issue.id,
        // Comment and property events carry a trimmed issue: re-read it before mapping.
        thin: THIN_EVENTS.has(name),
        payload: body,
      },
    ],
  };
}
