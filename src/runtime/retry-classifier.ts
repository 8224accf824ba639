import type { FailureInfo } from './failure-info.js';
import { parseRateLimitReset, parseRetryAfter, type ServerWait } from './retry-headers.js';

/**
 * The single place that decides whether a failed call is tried again, and when.
 * Pure: the time (`nowMs`) and the jitter source (`policy.random`) come in as inputs,
 * so every branch is unit-tested with fixed values. p-retry only executes the answer.
 */

export interface RetryPolicy {
  /** Retries after the first attempt; attempt N+1 is the last one. */
  maxRetries: number;
  /** Backoff for the first retry when the server gave no hint; doubles each attempt. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /**
   * Longest server-requested wait (Retry-After, reset headers) we sit out. Longer means
   * "come back much later": fail now so the job is rescheduled instead of hanging.
   */
  maxWaitMs: number;
  /** `full`: uniform in [0, backoff); `equal`: backoff/2 + uniform in [0, backoff/2). */
  jitter: 'full' | 'equal' | 'none';
  /** Returns a number in [0, 1). Inject a constant in tests. */
  random: () => number;
  /** GitHub's secondary limit without Retry-After: wait at least this (docs say ≥ 1 min). */
  secondaryRateLimitWaitMs?: number;
}

export interface RetryDecision {
  retry: boolean;
  waitMs: number;
  /** One phrase an operator understands; goes into the `http.retry` log and the error. */
  reason: string;
  /**
   * The wait applies to every request to this host (a rate limit or announced outage),
   * not just this one: the scheduler pauses the host's queue.
   */
  hostWide: boolean;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
const BACKOFF_STATUSES = new Set([408, 425, 500, 502, 504]);
const NOT_RETRYABLE: Record<number, string> = {
  400: 'the request is malformed; sending it again gives the same answer',
  401: 'the credentials were refused; retrying will not fix them',
  403: 'the account lacks permission; retrying will not grant it',
  404: 'the resource does not exist (or is hidden from this account)',
  405: 'the method is not allowed on this resource',
  409: 'the request conflicts with the current state of the resource',
  410: 'the resource is gone',
  413: 'the request body is too large',
  422: 'the server rejected the content as invalid',
};
// Failures where no response arrived. ECONNREFUSED is listed apart: see SAFE_FOR_ANY_METHOD.
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'ESOCKETTIMEDOUT',
  'ERR_NETWORK',
  'UND_ERR_SOCKET',
]);

interface Verdict {
  retryable: boolean;
  reason: string;
  serverWait?: ServerWait;
  hostWide?: boolean;
  /**
   * True when the server certainly did not act on the request, so even a POST may be
   * repeated: a 429 (rejected before processing), a 503 that announces Retry-After
   * (maintenance), or a refused connection (the request never left this machine).
   * Anything else — a reset socket, a timeout, a 502 — may come after the server
   * created the record; repeating a POST then could create it twice.
   */
  safeForAnyMethod?: boolean;
}

export function classifyError(
  failure: FailureInfo,
  attempt: number,
  policy: RetryPolicy,
  nowMs: number,
): RetryDecision {
  const what = describe(failure);
  const verdict = judge(failure, attempt, policy, nowMs);
  const stop = (reason: string): RetryDecision => ({
    retry: false,
    waitMs: 0,
    reason,
    hostWide: false,
  });
  if (!verdict.retryable) return stop(`${what}: ${verdict.reason}`);

  const idempotent = failure.idempotent ?? IDEMPOTENT_METHODS.has(failure.method);
  if (!idempotent && !verdict.safeForAnyMethod) {
    return stop(
      `${what}: ${failure.method} is not idempotent and the server may have acted on it; repeating could apply it twice`,
    );
  }
  if (attempt > policy.maxRetries) {
    return stop(`${what}: retries exhausted (${policy.maxRetries} of ${policy.maxRetries} used)`);
  }
  if (verdict.serverWait) {
    const { waitMs, source } = verdict.serverWait;
    if (waitMs > policy.maxWaitMs) {
      return stop(
        `${what}: server asked to wait ${seconds(waitMs)}s (${source}), more than maxWaitMs (${policy.maxWaitMs} ms); reschedule instead of holding the job`,
      );
    }
    return {
      retry: true,
      waitMs,
      reason: `${what}: ${source} asks to wait ${seconds(waitMs)}s`,
      hostWide: verdict.hostWide ?? false,
    };
  }
  const waitMs = backoff(attempt, policy);
  return {
    retry: true,
    waitMs,
    reason: `${what}: ${verdict.reason}; backoff ${waitMs} ms (retry ${attempt} of ${policy.maxRetries})`,
    hostWide: false,
  };
}

function judge(f: FailureInfo, attempt: number, policy: RetryPolicy, nowMs: number): Verdict {
  if (f.requestedRetry) {
    const w = f.requestedRetry.waitMs;
    return {
      retryable: true,
      reason: 'caller asked for a retry',
      safeForAnyMethod: true,
      serverWait: w === undefined ? undefined : { waitMs: w, source: 'caller' },
    };
  }
  if (f.status !== undefined) return judgeStatus(f, f.status, attempt, policy, nowMs);
  if (f.code === 'ECONNREFUSED') {
    return { retryable: true, reason: 'connection refused', safeForAnyMethod: true };
  }
  if (f.code && TRANSIENT_NETWORK_CODES.has(f.code)) {
    return { retryable: true, reason: 'transient network failure' };
  }
  if (f.code === 'ERR_CANCELED') return { retryable: false, reason: 'the request was cancelled' };
  if (f.code === 'ENOTFOUND') {
    return { retryable: false, reason: 'the host name does not resolve (check the base URL)' };
  }
  if (f.code) return { retryable: false, reason: `${f.code} is not a transient network failure` };
  return {
    retryable: false,
    reason: 'not an HTTP response or network failure; only the caller knows if repeating is safe',
  };
}

function judgeStatus(
  f: FailureInfo,
  status: number,
  attempt: number,
  policy: RetryPolicy,
  nowMs: number,
): Verdict {
  const secondary =
    (status === 403 || status === 429) && /secondary rate limit/i.test(f.message ?? '');
  const exhausted = f.headers['x-ratelimit-remaining']?.trim() === '0';
  const retryAfter = parseRetryAfter(f.headers['retry-after'], nowMs);
  // GitHub reports both its primary and secondary limits as 403, not 429.
  const rateLimited403 = status === 403 && (secondary || exhausted || retryAfter !== undefined);

  if (status === 429 || status === 503 || rateLimited403) {
    const safeForAnyMethod = status !== 503 || retryAfter !== undefined;
    const limited = { retryable: true, hostWide: true, safeForAnyMethod };
    if (retryAfter !== undefined) {
      return {
        ...limited,
        reason: 'rate limited',
        serverWait: { waitMs: retryAfter, source: 'Retry-After' },
      };
    }
    if (secondary) {
      // GitHub: "wait at least one minute, then back off exponentially".
      const minWait = policy.secondaryRateLimitWaitMs ?? 60_000;
      const waitMs = minWait * 2 ** Math.max(0, attempt - 1);
      return {
        ...limited,
        reason: 'secondary rate limit',
        serverWait: { waitMs, source: 'secondary rate limit' },
      };
    }
    const reset = parseRateLimitReset(f.headers, nowMs);
    if (reset && reset.waitMs > 0) return { ...limited, reason: 'rate limited', serverWait: reset };
    if (rateLimited403) {
      const waitMs = policy.secondaryRateLimitWaitMs ?? 60_000;
      return {
        ...limited,
        reason: 'rate limited',
        serverWait: { waitMs, source: 'x-ratelimit-remaining: 0' },
      };
    }
    // No usable hint (or a reset already past): plain backoff, this request only.
    return {
      retryable: true,
      safeForAnyMethod,
      reason: status === 503 ? 'service unavailable' : 'rate limited without a wait hint',
    };
  }
  if (BACKOFF_STATUSES.has(status)) return { retryable: true, reason: 'transient server failure' };
  const why = NOT_RETRYABLE[status];
  if (why) return { retryable: false, reason: why };
  return { retryable: false, reason: `status ${status} is not a transient failure` };
}

function backoff(attempt: number, policy: RetryPolicy): number {
  const exp = Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** Math.max(0, attempt - 1));
  const r = Math.min(Math.max(policy.random(), 0), 1 - Number.EPSILON);
  switch (policy.jitter) {
    case 'full':
      return Math.floor(r * exp);
    case 'equal':
      return Math.floor(exp / 2 + r * (exp / 2));
    case 'none':
      return exp;
  }
}

function describe(f: FailureInfo): string {
  if (f.requestedRetry) return `${f.method} retry requested`;
  if (f.status !== undefined) return `${f.method} HTTP ${f.status}`;
  return `${f.method} ${f.code ?? 'failure'}`;
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
