/**
 * GitHub's rate limits as the simulator enforces them
 * (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api):
 * a primary hourly budget per credential reported in `x-ratelimit-*` on every response,
 * answered 403 with `x-ratelimit-remaining: 0` when spent; and a secondary limit on
 * bursts of writes, answered 403 WITHOUT `Retry-After` (clients must wait ≥ 1 min).
 */
export interface RateLimitOptions {
  /** Primary budget per credential per hour. Default 5000. */
  limit?: number;
  /** Writes (POST/PATCH/PUT/DELETE) per credential per `secondaryWindowMs`; 0 = off. */
  secondaryWrites?: number;
  secondaryWindowMs?: number;
}

export interface LimitVerdict {
  headers: Record<string, string>;
  error: { status: 403; message: string; headers?: Record<string, string> } | null;
}

const HOUR = 3_600_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { used: number; resetAt: number }>();
  private readonly writes = new Map<string, number[]>();
  constructor(private readonly o: RateLimitOptions = {}) {}

  check(identity: string, method: string, nowMs: number): LimitVerdict {
    const limit = this.o.limit ?? 5000;
    let b = this.buckets.get(identity);
    if (!b || nowMs >= b.resetAt) {
      b = { used: 0, resetAt: nowMs + HOUR };
      this.buckets.set(identity, b);
    }
    const reset = String(Math.ceil(b.resetAt / 1000));
    const headers = (used: number) => ({
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - used)),
      'x-ratelimit-used': String(used),
      'x-ratelimit-reset': reset,
      'x-ratelimit-resource': 'core',
    });
    if (b.used >= limit) {
      return {
        headers: headers(b.used),
        error: { status: 403, message: `API rate limit exceeded for ${identity}.` },
      };
    }
    b.used += 1;
    if (method !== 'GET' && method !== 'HEAD' && (this.o.secondaryWrites ?? 0) > 0) {
      const window = this.o.secondaryWindowMs ?? 60_000;
      const recent = (this.writes.get(identity) ?? []).filter((t) => t > nowMs - window);
      recent.push(nowMs);
      this.writes.set(identity, recent);
      if (recent.length > (this.o.secondaryWrites ?? 0)) {
        return { headers: headers(b.used), error: { status: 403, message: SECONDARY_MESSAGE } };
      }
    }
    return { headers: headers(b.used), error: null };
  }

  /** Spend the budget (tests of the exhausted path). */
  exhaust(identity: string, nowMs: number): void {
    this.buckets.set(identity, { used: this.o.limit ?? 5000, resetAt: nowMs + HOUR });
  }
}

export const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';
