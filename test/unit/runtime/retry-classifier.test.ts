import { classifyError, type FailureInfo, type RetryPolicy } from '../../../src/runtime/index.js';

const NOW = Date.parse('2026-03-01T10:00:00.000Z');

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({
  maxRetries: 4,
  baseBackoffMs: 1000,
  maxBackoffMs: 20_000,
  maxWaitMs: 120_000,
  jitter: 'none',
  random: () => 0.5,
  ...over,
});

const get = (over: Partial<FailureInfo> = {}): FailureInfo => ({
  method: 'GET',
  headers: {},
  ...over,
});
const post = (over: Partial<FailureInfo> = {}): FailureInfo => get({ method: 'POST', ...over });

describe('classifyError: Retry-After', () => {
  it('429 honours Retry-After in seconds', () => {
    const d = classifyError(
      get({ status: 429, headers: { 'retry-after': '7' } }),
      1,
      policy(),
      NOW,
    );
    expect(d).toMatchObject({ retry: true, waitMs: 7000, hostWide: true });
    expect(d.reason).toContain('Retry-After');
  });

  it('503 honours Retry-After as an HTTP-date', () => {
    const at = new Date(NOW + 90_000).toUTCString();
    const d = classifyError(get({ status: 503, headers: { 'retry-after': at } }), 1, policy(), NOW);
    expect(d).toMatchObject({ retry: true, waitMs: 90_000 });
  });

  it('a Retry-After date in the past means retry now', () => {
    const at = new Date(NOW - 5000).toUTCString();
    const d = classifyError(get({ status: 429, headers: { 'retry-after': at } }), 1, policy(), NOW);
    expect(d).toMatchObject({ retry: true, waitMs: 0 });
  });

  it('refuses to wait longer than maxWaitMs and says so', () => {
    const d = classifyError(
      get({ status: 429, headers: { 'retry-after': '3600' } }),
      1,
      policy({ maxWaitMs: 60_000 }),
      NOW,
    );
    expect(d.retry).toBe(false);
    expect(d.reason).toMatch(/server asked to wait 3600s .*more than maxWaitMs \(60000 ms\)/);
  });
});

describe('classifyError: rate-limit reset headers', () => {
  it('X-RateLimit-Reset as epoch seconds (ServiceNow, GitHub)', () => {
    const reset = String(Math.floor(NOW / 1000) + 30);
    const d = classifyError(
      get({ status: 429, headers: { 'x-ratelimit-reset': reset } }),
      1,
      policy(),
      NOW,
    );
    expect(d).toMatchObject({ retry: true, waitMs: 30_000, hostWide: true });
    expect(d.reason).toContain('x-ratelimit-reset');
  });

  it('X-RateLimit-Reset as an ISO time (Jira)', () => {
    const d = classifyError(
      get({ status: 429, headers: { 'x-ratelimit-reset': '2026-03-01T10:00:45.000Z' } }),
      1,
      policy(),
      NOW,
    );
    expect(d).toMatchObject({ retry: true, waitMs: 45_000 });
  });

  it('RateLimit-Reset as delta seconds', () => {
    const d = classifyError(
      get({ status: 429, headers: { 'ratelimit-reset': '12' } }),
      1,
      policy(),
      NOW,
    );
    expect(d).toMatchObject({ retry: true, waitMs: 12_000 });
  });

  it('Retry-After wins over a reset header', () => {
    const reset = String(Math.floor(NOW / 1000) + 100);
    const d = classifyError(
      get({ status: 429, headers: { 'retry-after': '2', 'x-ratelimit-reset': reset } }),
      1,
      policy(),
      NOW,
    );
    expect(d.waitMs).toBe(2000);
  });

  it('a reset already past falls back to backoff for this request only', () => {
    const reset = String(Math.floor(NOW / 1000) - 10);
    const d = classifyError(
      get({ status: 429, headers: { 'x-ratelimit-reset': reset } }),
      2,
      policy(),
      NOW,
    );
    expect(d).toMatchObject({ retry: true, waitMs: 2000, hostWide: false });
  });

  it('a reset further away than maxWaitMs is not waited for', () => {
    const reset = String(Math.floor(NOW / 1000) + 3600);
    const d = classifyError(
      get({ status: 429, headers: { 'x-ratelimit-reset': reset } }),
      1,
      policy(),
      NOW,
    );
    expect(d.retry).toBe(false);
    expect(d.reason).toContain('server asked to wait 3600s');
  });
});

describe('classifyError: GitHub 403 rate limits', () => {
  it('403 with x-ratelimit-remaining: 0 waits until the reset', () => {
    const reset = String(Math.floor(NOW / 1000) + 20);
    const d = classifyError(
      get({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } }),
      1,
      policy(),
      NOW,
    );
    expect(d).toMatchObject({ retry: true, waitMs: 20_000, hostWide: true });
  });

  it('403 with x-ratelimit-remaining: 0 and no reset waits 60 s', () => {
    const d = classifyError(
      get({ status: 403, headers: { 'x-ratelimit-remaining': '0' } }),
      1,
      policy(),
      NOW,
    );
    expect(d).toMatchObject({ retry: true, waitMs: 60_000 });
  });

  it('secondary rate limit without Retry-After waits ≥ 60 s, growing per attempt', () => {
    const f = get({
      status: 403,
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes.',
    });
    expect(classifyError(f, 1, policy({ maxWaitMs: 600_000 }), NOW)).toMatchObject({
      retry: true,
      waitMs: 60_000,
    });
    expect(classifyError(f, 2, policy({ maxWaitMs: 600_000 }), NOW).waitMs).toBe(120_000);
    expect(classifyError({ ...f, status: 429 }, 1, policy(), NOW).waitMs).toBe(60_000);
  });

  it('secondary rate limit with Retry-After uses the header', () => {
    const d = classifyError(
      get({ status: 403, headers: { 'retry-after': '5' }, message: 'secondary rate limit' }),
      1,
      policy(),
      NOW,
    );
    expect(d.waitMs).toBe(5000);
  });

  it('secondary wait longer than maxWaitMs is not waited for', () => {
    const d = classifyError(
      get({ status: 403, message: 'secondary rate limit' }),
      1,
      policy({ maxWaitMs: 30_000 }),
      NOW,
    );
    expect(d.retry).toBe(false);
    expect(d.reason).toContain('server asked to wait 60s');
  });

  it('a plain 403 is a permission problem, not retried', () => {
    const d = classifyError(
      get({ status: 403, message: 'Resource not accessible' }),
      1,
      policy(),
      NOW,
    );
    expect(d.retry).toBe(false);
    expect(d.reason).toContain('lacks permission');
  });
});

describe('classifyError: backoff', () => {
  it.each([408, 425, 500, 502, 504])('%i retries with exponential backoff', (status) => {
    const p = policy();
    expect(classifyError(get({ status }), 1, p, NOW).waitMs).toBe(1000);
    expect(classifyError(get({ status }), 2, p, NOW).waitMs).toBe(2000);
    expect(classifyError(get({ status }), 3, p, NOW).waitMs).toBe(4000);
  });

  it('503 without Retry-After backs off and does not pause the host', () => {
    expect(classifyError(get({ status: 503 }), 2, policy(), NOW)).toMatchObject({
      retry: true,
      waitMs: 2000,
      hostWide: false,
    });
  });

  it('429 without any hint backs off', () => {
    expect(classifyError(get({ status: 429 }), 1, policy(), NOW)).toMatchObject({
      retry: true,
      waitMs: 1000,
    });
  });

  it('caps backoff at maxBackoffMs', () => {
    const d = classifyError(get({ status: 500 }), 4, policy({ baseBackoffMs: 10_000 }), NOW);
    expect(d.waitMs).toBe(20_000);
  });

  it('full jitter scales the whole backoff by the random source', () => {
    const p = policy({ jitter: 'full', random: () => 0.25 });
    expect(classifyError(get({ status: 500 }), 3, p, NOW).waitMs).toBe(1000);
  });

  it('equal jitter keeps at least half the backoff', () => {
    const p0 = policy({ jitter: 'equal', random: () => 0 });
    const p1 = policy({ jitter: 'equal', random: () => 0.999 });
    expect(classifyError(get({ status: 500 }), 3, p0, NOW).waitMs).toBe(2000);
    expect(classifyError(get({ status: 500 }), 3, p1, NOW).waitMs).toBe(3998);
  });

  it('stops after maxRetries', () => {
    const p = policy({ maxRetries: 2 });
    expect(classifyError(get({ status: 500 }), 2, p, NOW).retry).toBe(true);
    const d = classifyError(get({ status: 500 }), 3, p, NOW);
    expect(d.retry).toBe(false);
    expect(d.reason).toContain('retries exhausted (2 of 2 used)');
  });

  it('maxRetries 0 never retries', () => {
    expect(classifyError(get({ status: 503 }), 1, policy({ maxRetries: 0 }), NOW).retry).toBe(
      false,
    );
  });
});

describe('classifyError: statuses that are never retried', () => {
  it.each([
    [400, 'malformed'],
    [401, 'credentials'],
    [403, 'permission'],
    [404, 'does not exist'],
    [409, 'conflicts'],
    [422, 'invalid'],
    [501, 'not a transient failure'],
  ])('%i is not retried (%s)', (status, why) => {
    const d = classifyError(get({ status }), 1, policy(), NOW);
    expect(d).toMatchObject({ retry: false, waitMs: 0 });
    expect(d.reason).toContain(why);
    expect(d.reason).toContain(`HTTP ${status}`);
  });
});

describe('classifyError: network errors', () => {
  it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN'])(
    '%s is retried for a GET',
    (code) => {
      expect(classifyError(get({ code }), 1, policy(), NOW)).toMatchObject({
        retry: true,
        waitMs: 1000,
      });
    },
  );

  it('ENOTFOUND is a configuration problem, not retried', () => {
    const d = classifyError(get({ code: 'ENOTFOUND' }), 1, policy(), NOW);
    expect(d.retry).toBe(false);
    expect(d.reason).toContain('base URL');
  });

  it('a cancelled request is not retried', () => {
    expect(classifyError(get({ code: 'ERR_CANCELED' }), 1, policy(), NOW).retry).toBe(false);
  });

  it('an unknown error without status or code is not retried', () => {
    const d = classifyError(get(), 1, policy(), NOW);
    expect(d.retry).toBe(false);
    expect(d.reason).toContain('only the caller knows');
  });
});

describe('classifyError: non-idempotent methods', () => {
  it('POST is not retried on 500, 502, 504 or a reset connection', () => {
    for (const f of [post({ status: 500 }), post({ status: 502 }), post({ code: 'ECONNRESET' })]) {
      const d = classifyError(f, 1, policy(), NOW);
      expect(d.retry).toBe(false);
      expect(d.reason).toContain('POST is not idempotent');
    }
  });

  it('POST is not retried on 503 without Retry-After', () => {
    expect(classifyError(post({ status: 503 }), 1, policy(), NOW).retry).toBe(false);
  });

  it('POST is retried on 429, on 503 with Retry-After and on a refused connection', () => {
    expect(classifyError(post({ status: 429 }), 1, policy(), NOW).retry).toBe(true);
    const ra = { 'retry-after': '1' };
    expect(classifyError(post({ status: 503, headers: ra }), 1, policy(), NOW).retry).toBe(true);
    expect(classifyError(post({ code: 'ECONNREFUSED' }), 1, policy(), NOW).retry).toBe(true);
  });

  it('PATCH counts as non-idempotent; PUT and DELETE as idempotent', () => {
    expect(classifyError(get({ method: 'PATCH', status: 500 }), 1, policy(), NOW).retry).toBe(
      false,
    );
    expect(classifyError(get({ method: 'PUT', status: 500 }), 1, policy(), NOW).retry).toBe(true);
    expect(classifyError(get({ method: 'DELETE', status: 500 }), 1, policy(), NOW).retry).toBe(
      true,
    );
  });

  it('a POST declared idempotent (idempotency key) is retried like a GET', () => {
    const d = classifyError(post({ status: 502, idempotent: true }), 1, policy(), NOW);
    expect(d).toMatchObject({ retry: true, waitMs: 1000 });
  });
});

describe('classifyError: caller-requested retries', () => {
  it('retries with the requested wait, capped by maxWaitMs', () => {
    const f = post({ requestedRetry: { waitMs: 3000 } });
    expect(classifyError(f, 1, policy(), NOW)).toMatchObject({ retry: true, waitMs: 3000 });
    expect(classifyError(f, 1, policy({ maxWaitMs: 1000 }), NOW).retry).toBe(false);
  });

  it('without a wait it backs off', () => {
    const d = classifyError(get({ requestedRetry: {} }), 2, policy(), NOW);
    expect(d).toMatchObject({ retry: true, waitMs: 2000 });
  });
});
