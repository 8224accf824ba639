/**
 * One readable sentence out of a vendor's error body. Each system has its own envelope
 * (see API-NOTES.md); the raw body stays off the error's message so it never reaches a
 * log line in full, but the part a human needs to fix the request does.
 */

const MAX_SUMMARY = 500;

export function summariseVendorErrorBody(body: unknown): string | undefined {
  const summary = summarise(body);
  if (!summary) return undefined;
  const oneLine = summary.replace(/\s+/g, ' ').trim();
  if (!oneLine) return undefined;
  return oneLine.length > MAX_SUMMARY ? `${oneLine.slice(0, MAX_SUMMARY - 1)}…` : oneLine;
}

function summarise(body: unknown): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (Buffer.isBuffer(body)) return summarise(body.toString('utf8'));
  if (typeof body === 'string') return summariseText(body);
  if (typeof body !== 'object') return String(body);
  const b = body as Record<string, unknown>;
  return servicenow(b) ?? jira(b) ?? gitLike(b) ?? oauth(b);
}

/** ServiceNow: `{"error":{"message":"…","detail":"…"},"status":"failure"}`. */
function servicenow(b: Record<string, unknown>): string | undefined {
  const err = b.error;
  if (!isRecord(err)) return undefined;
  const message = str(err.message);
  const detail = str(err.detail);
  if (!message && !detail) return undefined;
  return [message, detail].filter(Boolean).join(': ');
}

/** Jira: `{"errorMessages":["…"],"errors":{"field":"…"}}`; either part may be empty. */
function jira(b: Record<string, unknown>): string | undefined {
  if (!Array.isArray(b.errorMessages) && !isRecord(b.errors)) return undefined;
  const parts: string[] = [];
  if (Array.isArray(b.errorMessages)) parts.push(...b.errorMessages.map(String));
  if (isRecord(b.errors)) {
    for (const [field, msg] of Object.entries(b.errors)) parts.push(`${field}: ${String(msg)}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

/**
 * GitHub: `{"message":"…","errors":[{"resource","field","code","message"?}]}`.
 * GitLab: `{"message":"…"}`, or `{"message":{"field":["…"]}}` on validation errors.
 */
function gitLike(b: Record<string, unknown>): string | undefined {
  const m = b.message;
  let head: string | undefined;
  if (typeof m === 'string') head = m;
  else if (Array.isArray(m)) head = m.map(String).join('; ');
  else if (isRecord(m)) {
    head = Object.entries(m)
      .map(([field, v]) => `${field}: ${Array.isArray(v) ? v.map(String).join(', ') : String(v)}`)
      .join('; ');
  }
  if (head === undefined) return undefined;
  if (Array.isArray(b.errors) && b.errors.length) {
    const details = b.errors.map((e) => {
      if (!isRecord(e)) return String(e);
      return str(e.message) ?? [e.resource, e.field, e.code].filter(Boolean).map(String).join(' ');
    });
    return `${head} (${details.join('; ')})`;
  }
  return head;
}

/** OAuth token endpoints (ServiceNow oauth_token.do, GitLab): `{"error","error_description"}`. */
function oauth(b: Record<string, unknown>): string | undefined {
  const error = str(b.error);
  if (!error) return undefined;
  const description = str(b.error_description);
  return description ? `${error}: ${description}` : error;
}

/** HTML error pages from proxies: keep the visible words, not the markup. */
function summariseText(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return summarise(JSON.parse(trimmed) as unknown);
    } catch {
      // not JSON after all: fall through to plain text
    }
  }
  if (/<[a-z!/][^>]*>/i.test(trimmed)) {
    return trimmed
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&nbsp;/g, ' ');
  }
  return trimmed;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v : undefined;
}
