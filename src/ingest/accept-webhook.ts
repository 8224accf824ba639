import type { Connector, WebhookRequest } from '../model/index.js';
import type { Store } from '../store/index.js';

export interface WebhookResponse {
  status: number;
  body: { ok: boolean; stored?: number; duplicates?: number; ignored?: string; error?: string };
}

/**
 * The heart of `POST /webhooks/<system>` (DESIGN §2): let the connector verify and parse,
 * store accepted events in the inbox, and only then answer 2xx. A rejected request stores
 * nothing. Duplicates (a sender's retry, a replay) are acknowledged without a second event.
 * Storage failures propagate: the HTTP layer answers 5xx and the sender retries.
 */
export async function acceptWebhook(
  store: Store,
  connector: Connector,
  request: WebhookRequest,
): Promise<WebhookResponse> {
  const outcome = await connector.handleWebhook(request);
  switch (outcome.outcome) {
    case 'rejected':
      return { status: outcome.status, body: { ok: false, error: outcome.reason } };
    case 'ignored':
      return { status: 202, body: { ok: true, ignored: outcome.reason } };
    case 'accepted': {
      const results = await store.inbox.insertMany(outcome.events);
      const stored = results.filter((r) => r.inserted).length;
      return { status: 202, body: { ok: true, stored, duplicates: results.length - stored } };
    }
  }
}
