/**
 * Reading "when may I come back" out of response headers. Pure: `nowMs` is passed in.
 * Header names are expected lower-cased (see failure-info.ts).
 */

export interface ServerWait {
  waitMs: number;
  /** Which header said so, for the retry reason. */
  source: string;
}

/**
 * `Retry-After` is either delta-seconds (`120`, ServiceNow/Jira/GitHub) or an HTTP-date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`, RFC 9110 §10.2.3). A date in the past means "now".
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v) * 1000);
  const at = parseDate(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

// Below this a numeric reset is a delta in seconds; above it an epoch (seconds, or ms).
const EPOCH_SECONDS_FLOOR = 1_000_000_000; // 2001-09-09
const EPOCH_MS_FLOOR = 1_000_000_000_000;

/**
 * Rate-limit reset headers, which vendors spell differently:
 *  - `X-RateLimit-Reset`: epoch seconds (ServiceNow, GitHub) or an ISO time (Jira);
 *  - `RateLimit-Reset`: delta-seconds in the IETF draft, but epoch seconds on GitLab.
 * Numbers are told apart by size, so one parser serves every vendor.
 * Returns undefined when no reset header is present or it cannot be read.
 */
export function parseRateLimitReset(
  headers: Record<string, string>,
  nowMs: number,
): ServerWait | undefined {
  for (const name of ['x-ratelimit-reset', 'ratelimit-reset']) {
    const raw = headers[name];
    if (raw === undefined) continue;
    const at = resetInstant(raw.trim(), nowMs);
    if (at !== undefined) return { waitMs: Math.max(0, Math.ceil(at - nowMs)), source: name };
  }
  return undefined;
}

function resetInstant(v: string, nowMs: number): number | undefined {
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    if (n >= EPOCH_MS_FLOOR) return n;
    if (n >= EPOCH_SECONDS_FLOOR) return n * 1000;
    return nowMs + n * 1000;
  }
  const at = parseDate(v);
  return Number.isNaN(at) ? undefined : at;
}

/**
 * Date.parse is lenient ("-5" becomes a date in 2001); a real HTTP-date or ISO time
 * always has letters in it (a month name, or the T/Z of ISO 8601).
 */
function parseDate(v: string): number {
  return /[a-z]/i.test(v) ? Date.parse(v) : Number.NaN;
}
