import {
  eventSource,
  type KeyPatterns,
  type SourceEvent,
  type WebhookOutcome,
  type WebhookRequest,
} from '../../src/model/index.js';
import { verifyHubSignature } from '../../src/runtime/index.js';
import { parseGitHubEvent } from './events.js';

/**
 * `POST /webhooks/github` (https://docs.github.com/webhooks/webhook-events-and-payloads):
 * verify `X-Hub-Signature-256` over the raw bytes against every configured secret
 * (rotation), then parse. The delivery GUID is the dedupe key: GitHub keeps it when a
 * delivery is redelivered from the UI/API, and never redelivers on its own.
 */
export interface WebhookSettings {
  connection: string;
  secrets: readonly string[];
  keyPatterns?: KeyPatterns;
  maxBodyBytes: number;
}

/** What the inbox stores for a GitHub webhook or polled record. */
export interface GitHubEventPayload {
  github: { event: string; action: string | null; delivery: string | null; hookId: string | null };
  record: unknown;
  /** The raw body (webhooks) or API object (poll): evidence, and for mappings that need more. */
  body: unknown;
}

export function handleGitHubWebhook(
  settings: WebhookSettings,
  request: WebhookRequest,
): WebhookOutcome {
  const h = request.headers;
  if (request.rawBody.byteLength > settings.maxBodyBytes) {
    return {
      outcome: 'rejected',
      status: 413,
      reason: `body of ${request.rawBody.byteLength} bytes exceeds ${settings.maxBodyBytes}`,
    };
  }
  if (settings.secrets.length === 0) {
    return {
      outcome: 'rejected',
      status: 401,
      reason: 'no webhook secret configured for this GitHub connection',
    };
  }
  const signature = h['x-hub-signature-256'];
  if (!signature) {
    return {
      outcome: 'rejected',
      status: 401,
      reason: 'missing X-Hub-Signature-256 (set a secret on the GitHub webhook)',
    };
  }
  if (!verifyHubSignature(settings.secrets, request.rawBody, signature)) {
    return {
      outcome: 'rejected',
      status: 401,
      reason: 'X-Hub-Signature-256 does not match any configured secret',
    };
  }
  const name = h['x-github-event'];
  const delivery = h['x-github-delivery'];
  if (!name || !delivery) {
    return {
      outcome: 'rejected',
      status: 400,
      reason: 'missing X-GitHub-Event or X-GitHub-Delivery header',
    };
  }
  const body = decodeBody(request.rawBody, h['content-type']);
  const base = {
    system: 'github' as const,
    connection: settings.connection,
    source: eventSource('github', settings.connection),
    deliveryKey: delivery,
    receivedAt: request.receivedAt,
    thin: false,
  };
  const github = {
    event: name,
    action: null as string | null,
    delivery,
    hookId: h['x-github-hook-id'] ?? null,
  };
  if (!body.ok) {
    const event: SourceEvent = {
      ...base,
      kind: 'unparseable',
      event: 'unparseable',
      externalId: null,
      payload: { github, record: { reason: body.reason }, body: null } satisfies GitHubEventPayload,
    };
    return { outcome: 'accepted', events: [event] };
  }
  const parsed = parseGitHubEvent(name, body.value, settings.keyPatterns);
  if (parsed.outcome === 'ignored') return { outcome: 'ignored', reason: parsed.reason };
  const action =
    isRecord(body.value) && typeof body.value.action === 'string' ? body.value.action : null;
  if (parsed.outcome === 'invalid') {
    const event: SourceEvent = {
      ...base,
      kind: 'unparseable',
      event: name,
      externalId: null,
      payload: {
        github: { ...github, action },
        record: { reason: parsed.reason },
        body: body.value,
      } satisfies GitHubEventPayload,
    };
    return { outcome: 'accepted', events: [event] };
  }
  const event: SourceEvent = {
    ...base,
    kind: parsed.kind,
    event: parsed.event,
    externalId: parsed.externalId,
    payload: {
      github: { ...github, action },
      record: parsed.record,
      body: body.value,
    } satisfies GitHubEventPayload,
  };
  return { outcome: 'accepted', events: [event] };
}

type Decoded = { ok: true; value: unknown } | { ok: false; reason: string };

/** GitHub hooks send JSON, or form-encoded `payload=<json>` when so configured. */
function decodeBody(raw: Uint8Array, contentType: string | undefined): Decoded {
  try {
    let text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
    if (contentType?.startsWith('application/x-www-form-urlencoded')) {
      text = new URLSearchParams(text).get('payload') ?? '';
    }
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      reason: `body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
