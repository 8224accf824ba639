import {
  ChangebridgeError,
  HttpError,
  parseRateLimitReset,
  parseRetryAfter,
  RetryableError,
  toFailureInfo,
  UserError,
  type FailureInfo,
} from '../runtime/index.js';

/**
 * What happens to an outbox command whose write failed: try again later, or dead-letter
 * it. This is the slow, durable retry across dispatch attempts (minutes to hours apart);
 * the HTTP layer has already retried quickly inside the attempt that failed. Pure: the
 * time and the jitter source come in, so every branch is unit-tested with fixed values.
 */

export interface FailurePolicy {
  /** Attempts (claims) after which a command is dead-lettered whatever the error. */
  maxAttempts: number;
  /** Wait before the second attempt when the server gave no hint; doubles each attempt. */
  baseMs: number;
  /** Longest backoff between attempts. */
  maxMs: number;
  /** A number in [0, 1); inject a constant in tests. */
  random: () => number;
}

export interface FailureVerdict {
  /** When to try again; null means permanent: dead-letter the command now. */
  retryAt: Date | null;
  /** One line an operator understands; stored as last_error / dead letter reason. */
  reason: string;
}

/** The command names a target system + connection with no configured connector. */
export class NoConnectorError extends ChangebridgeError {
  override name = 'NoConnectorError';
  constructor(message: string, hint: string) {
    super('dispatcher', message, { hint });
  }
}

// Client errors the vendor will answer the same way however often we ask.
const PERMANENT_STATUS: Record<number, string> = {
  400: 'the request is invalid',
  401: 'the credentials were refused',
  403: 'the integration account lacks permission',
  404: 'the target does not exist or is hidden from the integration account',
  409: 'the request conflicts with the target’s current state',
  410: 'the target is gone',
  422: 'the vendor rejected the content',
};
const RETRY_STATUS = new Set([408, 425, 429]);

export function classifyWriteFailure(
  error: unknown,
  attempts: number,
  policy: FailurePolicy,
  now: Date,
): FailureVerdict {
  const verdict = judge(error, now.getTime());
  if (!verdict.retry) return { retryAt: null, reason: `permanent: ${verdict.reason}` };
  if (attempts >= policy.maxAttempts) {
    return {
      retryAt: null,
      reason: `gave up after ${attempts} attempt(s) (maxAttempts ${policy.maxAttempts}): ${verdict.reason}`,
    };
  }
  const backoffMs = backoff(attempts, policy);
  // A server's wait is a floor, never a ceiling: `Retry-After: 0` must not mean "hammer it".
  const waitMs =
    verdict.serverWaitMs === undefined ? backoffMs : Math.max(verdict.serverWaitMs, backoffMs);
  const source = verdict.serverWaitMs === undefined ? 'backoff' : `${verdict.waitSource} asked`;
  return {
    retryAt: new Date(now.getTime() + waitMs),
    reason: `retry ${attempts + 1} of ${policy.maxAttempts} in ${waitMs} ms (${source}): ${verdict.reason}`,
  };
}

interface Judgement {
  retry: boolean;
  reason: string;
  serverWaitMs?: number;
  waitSource?: string;
}

function judge(error: unknown, nowMs: number): Judgement {
  if (error instanceof NoConnectorError) return { retry: false, reason: error.message };
  const retryable = findInChain(error, (e): e is RetryableError => e instanceof RetryableError);
  if (retryable) {
    return {
      retry: true,
      reason: retryable.message,
      ...(retryable.waitMs !== undefined
        ? { serverWaitMs: retryable.waitMs, waitSource: 'the connector' }
        : {}),
    };
  }
  // A UserError from a connector is its verdict on the command itself (unknown operation,
  // invalid payload): a planner bug that no amount of retrying fixes.
  if (error instanceof UserError) return { retry: false, reason: error.message };
  const http = findInChain(error, (e): e is HttpError => e instanceof HttpError);
  const info = toFailureInfo(http ?? error, { method: 'POST' });
  const text = describe(error, http, info);
  if (info.status !== undefined) return judgeStatus(info, text, nowMs);
  // No response at all (reset, refused, timeout, DNS): the outside system may be back by
  // the next attempt, minutes later; maxAttempts bounds a misconfigured base URL.
  if (info.code) return { retry: true, reason: `network failure ${info.code}: ${text}` };
  // Any other ChangebridgeError is a connector's considered verdict ("no transition to
  // Approved", "issue does not exist"): it will say the same next time.
  if (error instanceof ChangebridgeError) return { retry: false, reason: text };
  // Not ours (a bug, a driver hiccup): retry, bounded by maxAttempts, rather than lose it.
  return { retry: true, reason: `unexpected error: ${text}` };
}

function judgeStatus(info: FailureInfo, text: string, nowMs: number): Judgement {
  const status = info.status!;
  const wait = serverWait(info, nowMs);
  // GitHub reports rate limits as 403 with these signals; that 403 passes with time.
  const rateLimited403 =
    status === 403 &&
    (wait !== undefined ||
      info.headers['x-ratelimit-remaining']?.trim() === '0' ||
      /rate limit/i.test(info.message ?? ''));
  if (RETRY_STATUS.has(status) || status >= 500 || rateLimited403) {
    const label = rateLimited403 ? 'rate limited' : `HTTP ${status}`;
    return {
      retry: true,
      reason: `${label}: ${text}`,
      ...(wait ? { serverWaitMs: wait.waitMs, waitSource: wait.source } : {}),
    };
  }
  const why = PERMANENT_STATUS[status] ?? 'a client error';
  // The vendor's words first: `deadletter list` truncates the reason to one table cell.
  const vendor = info.message ? `: ${info.message}` : '';
  return { retry: false, reason: `HTTP ${status}${vendor} (${why}) — ${text}` };
}

function serverWait(
  info: FailureInfo,
  nowMs: number,
): { waitMs: number; source: string } | undefined {
  const retryAfter = parseRetryAfter(info.headers['retry-after'], nowMs);
  if (retryAfter !== undefined) return { waitMs: retryAfter, source: 'Retry-After' };
  return parseRateLimitReset(info.headers, nowMs);
}

/** The error's own words, with the vendor's message guaranteed to be in them. */
function describe(error: unknown, http: HttpError | undefined, info: FailureInfo): string {
  const message = error instanceof Error ? error.message : String(error);
  const vendor = http?.vendorMessage ?? info.message;
  return vendor && !message.includes(vendor) ? `${message}: ${vendor}` : message;
}

function backoff(attempts: number, policy: FailurePolicy): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const r = Math.min(Math.max(policy.random(), 0), 1 - Number.EPSILON);
  // Equal jitter: spreads replicas' retries apart but never retries at once.
  return Math.floor(exp / 2 + r * (exp / 2));
}

function findInChain<T>(error: unknown, match: (e: unknown) => e is T): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (match(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
