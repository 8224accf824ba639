import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  eventSource,
  type SourceEvent,
  type WebhookOutcome,
  type WebhookRequest,
} from '../../src/model/index.js';
import { matchesAnySecret, type Clock } from '../../src/runtime/index.js';
import type { ServiceNowClient } from './client.js';
import { toEvent } from './poll.js';
import { streamForTable } from './streams.js';
import { isSnTime } from './time.js';

/**
 * ServiceNow has no signed webhooks: a Business Rule (or Flow) posts a body it scripts
 * with a shared secret in a header the admin chooses (docs/connectors/servicenow.md). So
 * the secret is checked first, in constant time against every configured secret (rotation),
 * and the body is only a hint — `{table, sys_id}` — the record itself is re-read through
 * the Table API (`reread`) before anything maps it.
 */

/** Business-rule bodies are a few hundred bytes; anything big is not one. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;

const hintSchema = z.object({
  table: z.string(),
  sys_id: z.string().regex(/^[0-9a-f]{32}$/),
  sys_updated_on: z.string().optional(),
  operation: z.string().optional(),
});

export interface WebhookDeps {
  connection: string;
  header: string;
  secrets: readonly string[];
  clock: Clock;
}

export function handleServiceNowWebhook(
  request: WebhookRequest,
  deps: WebhookDeps,
): WebhookOutcome {
  const presented = request.headers[deps.header.toLowerCase()];
  if (deps.secrets.length === 0) {
    return {
      outcome: 'rejected',
      status: 401,
      reason: 'no webhook secret is configured for this connection',
    };
  }
  if (!matchesAnySecret(deps.secrets, presented?.trim(), (s) => s)) {
    return {
      outcome: 'rejected',
      status: 401,
      reason: presented ? `wrong secret in ${deps.header}` : `missing ${deps.header} header`,
    };
  }
  if (request.rawBody.byteLength > MAX_WEBHOOK_BYTES) {
    return { outcome: 'rejected', status: 413, reason: `body over ${MAX_WEBHOOK_BYTES} bytes` };
  }
  const text = Buffer.from(request.rawBody).toString('utf8');
  const bodyHash = createHash('sha256').update(request.rawBody).digest('hex').slice(0, 24);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const hint = hintSchema.safeParse(json);
  if (!hint.success) {
    // Authenticated but not understood: stored, so processing dead-letters it with a reason.
    return {
      outcome: 'accepted',
      events: [
        {
          ...base(deps, request),
          deliveryKey: `webhook:unparseable:${bodyHash}`,
          kind: 'unknown',
          event: 'unparseable',
          externalId: null,
          thin: false,
          payload: {
            reason: 'body is not JSON naming table and a 32-hex sys_id',
            body: text.slice(0, 2000),
          },
        },
      ],
    };
  }
  const { table, sys_id: sysId, sys_updated_on: stamp, operation } = hint.data;
  if (!streamForTable(table))
    return { outcome: 'ignored', reason: `table ${table} is not synchronised` };
  if (operation === 'delete') {
    return { outcome: 'ignored', reason: 'deletes are found by reconciliation (DESIGN §5)' };
  }
  const version = stamp && isSnTime(stamp) ? stamp : bodyHash;
  return {
    outcome: 'accepted',
    events: [
      {
        ...base(deps, request),
        deliveryKey: `webhook:${table}:${sysId}@${version}`,
        kind: table,
        event: 'webhook',
        externalId: sysId,
        thin: true,
        // Only the hint: the rest of the body is never trusted as data.
        payload: { table, sys_id: sysId, ...(stamp ? { sys_updated_on: stamp } : {}) },
      },
    ],
  };
}

function base(
  deps: WebhookDeps,
  request: WebhookRequest,
): Pick<SourceEvent, 'system' | 'connection' | 'source' | 'receivedAt'> {
  return {
    system: 'servicenow',
    connection: deps.connection,
    source: eventSource('servicenow', deps.connection),
    receivedAt: request.receivedAt,
  };
}

/** The record a thin event names, read through the API; null when gone or hidden. */
export async function rereadRecord(
  event: SourceEvent,
  deps: { client: ServiceNowClient; connection: string; clock: Clock },
): Promise<SourceEvent | null> {
  const def = streamForTable(event.kind);
  if (!def || !event.externalId) return null;
  const record = await deps.client.get(def.table, event.externalId, def.fields);
  if (!record) return null;
  return { ...toEvent(def, deps, record), event: 'webhook.reread' };
}
