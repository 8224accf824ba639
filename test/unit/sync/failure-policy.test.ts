import {
  ChangebridgeError,
  HttpError,
  RetryableError,
  UserError,
} from '../../../src/runtime/index.js';
import {
  classifyWriteFailure,
  NoConnectorError,
  type FailurePolicy,
} from '../../../src/sync/failure-policy.js';

/** Every branch of the durable retry decision, with a fixed clock and jitter. */

const NOW = new Date('2026-03-01T10:00:00.000Z');
const policy: FailurePolicy = { maxAttempts: 5, baseMs: 1000, maxMs: 60_000, random: () => 0.5 };
const after = (ms: number) => new Date(NOW.getTime() + ms);

const http = (
  status: number | undefined,
  extra: Partial<ConstructorParameters<typeof HttpError>[0]> = {},
) =>
  new HttpError({
    method: 'PATCH',
    url: 'https://sn.example.com/api/now/table/change_request/abc',
    ...(status !== undefined ? { status } : {}),
    ...extra,
  });

describe('classifyWriteFailure: permanent', () => {
  it('a command with no connector is dead-lettered at once', () => {
    const v = classifyWriteFailure(
      new NoConnectorError('no connector for jira "x"', 'add it'),
      1,
      policy,
      NOW,
    );
    expect(v).toEqual({
      retryAt: null,
      reason: expect.stringMatching(/^permanent: .*no connector for jira "x"/),
    });
  });

  it.each([400, 401, 403, 404, 409, 410, 422])(
    'HTTP %i is permanent and keeps the vendor message',
    (status) => {
      const v = classifyWriteFailure(
        http(status, { vendorMessage: 'No Record found' }),
        1,
        policy,
        NOW,
      );
      expect(v.retryAt).toBeNull();
      expect(v.reason).toMatch(new RegExp(`^permanent: HTTP ${status}: No Record found \\(`));
      expect(v.reason).toContain('No Record found');
    },
  );

  it('another 4xx is permanent too', () => {
    expect(classifyWriteFailure(http(413), 1, policy, NOW)).toMatchObject({
      retryAt: null,
      reason: expect.stringMatching(/^permanent: HTTP 413 \(a client error\) — /),
    });
  });

  it('the vendor message is added when the error text lacks it', () => {
    const wrapped = new ChangebridgeError('jira', 'could not comment on OPS-1', {
      cause: http(404, { vendorMessage: 'Issue does not exist' }),
    });
    const v = classifyWriteFailure(wrapped, 1, policy, NOW);
    expect(v.retryAt).toBeNull();
    expect(v.reason).toBe(
      'permanent: HTTP 404: Issue does not exist (the target does not exist or is hidden from the integration account) — [changebridge/jira] could not comment on OPS-1: Issue does not exist',
    );
  });

  it('a UserError (invalid payload, unknown operation) is permanent', () => {
    const v = classifyWriteFailure(
      new UserError('jira', 'jira.comment payload is invalid'),
      1,
      policy,
      NOW,
    );
    expect(v).toEqual({
      retryAt: null,
      reason: 'permanent: [changebridge/jira] jira.comment payload is invalid',
    });
  });

  it("a connector's own verdict (ChangebridgeError without HTTP status) is permanent", () => {
    const v = classifyWriteFailure(
      new ChangebridgeError('jira', 'no transition to "Approved"'),
      1,
      policy,
      NOW,
    );
    expect(v.retryAt).toBeNull();
  });

  it('a retryable failure at maxAttempts is dead-lettered, saying why', () => {
    const v = classifyWriteFailure(http(503), 5, policy, NOW);
    expect(v.retryAt).toBeNull();
    expect(v.reason).toMatch(/^gave up after 5 attempt\(s\) \(maxAttempts 5\): HTTP 503/);
  });
});

describe('classifyWriteFailure: retry later', () => {
  it.each([408, 425, 429, 500, 502, 503, 504])('HTTP %i retries with backoff', (status) => {
    const v = classifyWriteFailure(http(status), 1, policy, NOW);
    // attempt 1: base 1000, equal jitter at r=0.5 → 500 + 250
    expect(v.retryAt).toEqual(after(750));
    expect(v.reason).toMatch(new RegExp(`^retry 2 of 5 in 750 ms \\(backoff\\): HTTP ${status}`));
  });

  it('the backoff doubles per attempt and is capped at maxMs', () => {
    expect(classifyWriteFailure(http(500), 3, policy, NOW).retryAt).toEqual(after(3000));
    const capped = { ...policy, maxAttempts: 50 };
    expect(classifyWriteFailure(http(500), 20, capped, NOW).retryAt).toEqual(after(45_000));
  });

  it('jitter comes from the injected random source', () => {
    expect(classifyWriteFailure(http(500), 1, { ...policy, random: () => 0 }, NOW).retryAt).toEqual(
      after(500),
    );
    expect(classifyWriteFailure(http(500), 1, { ...policy, random: () => 1 }, NOW).retryAt).toEqual(
      after(999),
    );
  });

  it('honours Retry-After when it is longer than the backoff', () => {
    const v = classifyWriteFailure(
      http(429, { responseHeaders: { 'Retry-After': '120' } }),
      1,
      policy,
      NOW,
    );
    expect(v.retryAt).toEqual(after(120_000));
    expect(v.reason).toMatch(/\(Retry-After asked\)/);
  });

  it('never retries sooner than the backoff, even on Retry-After: 0', () => {
    const v = classifyWriteFailure(
      http(503, { responseHeaders: { 'retry-after': '0' } }),
      1,
      policy,
      NOW,
    );
    expect(v.retryAt).toEqual(after(750));
  });

  it('honours a rate-limit reset header', () => {
    const reset = String(NOW.getTime() / 1000 + 30);
    const v = classifyWriteFailure(
      http(429, { responseHeaders: { 'x-ratelimit-reset': reset } }),
      1,
      policy,
      NOW,
    );
    expect(v.retryAt).toEqual(after(30_000));
  });

  it("GitHub's rate-limit 403 retries instead of dead-lettering", () => {
    const v = classifyWriteFailure(
      http(403, {
        responseHeaders: { 'x-ratelimit-remaining': '0' },
        vendorMessage: 'API rate limit exceeded',
      }),
      1,
      policy,
      NOW,
    );
    expect(v.retryAt).not.toBeNull();
    expect(v.reason).toMatch(/rate limited/);
  });

  it('network failures without a response retry', () => {
    const v = classifyWriteFailure(http(undefined, { code: 'ECONNRESET' }), 2, policy, NOW);
    expect(v.retryAt).toEqual(after(1500));
    expect(v.reason).toMatch(/network failure ECONNRESET/);
    const sys = Object.assign(new Error('socket hang up'), { code: 'ECONNREFUSED' });
    expect(classifyWriteFailure(sys, 1, policy, NOW).retryAt).not.toBeNull();
  });

  it('a RetryableError retries, waiting at least what it asks', () => {
    const v = classifyWriteFailure(
      new RetryableError('jira', 'batch incomplete', { waitMs: 10_000 }),
      1,
      policy,
      NOW,
    );
    expect(v.retryAt).toEqual(after(10_000));
    expect(v.reason).toMatch(/\(the connector asked\)/);
  });

  it('an unexpected error retries (bounded by maxAttempts) rather than being lost', () => {
    const v = classifyWriteFailure(new TypeError('x is undefined'), 1, policy, NOW);
    expect(v.retryAt).toEqual(after(750));
    expect(v.reason).toMatch(/unexpected error: x is undefined/);
    expect(classifyWriteFailure('a string', 5, policy, NOW).retryAt).toBeNull();
  });
});
