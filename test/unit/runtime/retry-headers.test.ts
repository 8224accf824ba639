import { parseRateLimitReset, parseRetryAfter } from '../../../src/runtime/index.js';

const NOW = Date.parse('2026-03-01T10:00:00.000Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds, including fractions', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
  });

  it('reads an HTTP-date relative to now, never negative', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', NOW)).toBe(0);
  });

  it('gives undefined for a missing or unreadable value', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
  });
});

describe('parseRateLimitReset', () => {
  it('tells epoch seconds, epoch milliseconds and deltas apart by size', () => {
    const epochS = String(NOW / 1000 + 10);
    expect(parseRateLimitReset({ 'x-ratelimit-reset': epochS }, NOW)).toEqual({
      waitMs: 10_000,
      source: 'x-ratelimit-reset',
    });
    expect(parseRateLimitReset({ 'x-ratelimit-reset': String(NOW + 2500) }, NOW)?.waitMs).toBe(
      2500,
    );
    expect(parseRateLimitReset({ 'ratelimit-reset': '42' }, NOW)).toEqual({
      waitMs: 42_000,
      source: 'ratelimit-reset',
    });
  });

  it('reads GitLab-style RateLimit-Reset epoch seconds', () => {
    expect(parseRateLimitReset({ 'ratelimit-reset': String(NOW / 1000 + 5) }, NOW)?.waitMs).toBe(
      5000,
    );
  });

  it('reads Jira ISO times and clamps past resets to 0', () => {
    expect(parseRateLimitReset({ 'x-ratelimit-reset': '2026-03-01T10:00:30Z' }, NOW)?.waitMs).toBe(
      30_000,
    );
    expect(parseRateLimitReset({ 'x-ratelimit-reset': '2026-03-01T09:00:00Z' }, NOW)?.waitMs).toBe(
      0,
    );
  });

  it('ignores absent or garbage headers', () => {
    expect(parseRateLimitReset({}, NOW)).toBeUndefined();
    expect(parseRateLimitReset({ 'x-ratelimit-reset': 'later' }, NOW)).toBeUndefined();
  });
});
