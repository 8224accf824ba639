import type { Clock } from '../../../src/runtime/index.js';

/**
 * GitLab's rate limiting as the API shows it (https://docs.gitlab.com/administration/settings/user_and_ip_rate_limits/):
 * `RateLimit-Limit`, `RateLimit-Observed`, `RateLimit-Remaining`, `RateLimit-Reset`
 * (epoch seconds, not delta), `RateLimit-ResetTime` (HTTP date); over the limit a 429
 * with `Retry-After` and the plain-text body `Retry later`.
 */
export interface RateLimitConfig {
  /** Requests per window per token; 0 disables. */
  limit: number;
  windowMs: number;
}

export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  /** Requests refused with 429 so far (tests assert the limit was really hit). */
  limited = 0;

  constructor(
    public config: RateLimitConfig,
    private readonly clock: Clock,
  ) {}

  /** Counts one request; returns the headers to send and whether to refuse it. */
  hit(key: string): { limited: boolean; headers: Record<string, string> } {
    if (this.config.limit <= 0) return { limited: false, headers: {} };
    const now = this.clock.now().getTime();
    let w = this.windows.get(key);
    if (!w || now >= w.start + this.config.windowMs) {
      w = { start: now - (now % this.config.windowMs), count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    const resetMs = w.start + this.config.windowMs;
    const headers: Record<string, string> = {
      'RateLimit-Limit': String(this.config.limit),
      'RateLimit-Observed': String(w.count),
      'RateLimit-Remaining': String(Math.max(0, this.config.limit - w.count)),
      'RateLimit-Reset': String(Math.ceil(resetMs / 1000)),
      'RateLimit-ResetTime': new Date(resetMs).toUTCString(),
    };
    const limited = w.count > this.config.limit;
    if (limited) this.limited += 1;
    if (limited) headers['Retry-After'] = String(Math.max(1, Math.ceil((resetMs - now) / 1000)));
    return { limited, headers };
  }
}

/** A scripted failure for the next `times` matching requests. */
export interface Fault {
  method?: string;
  /** Matches when the path (without /api/v4 and query) starts with it. */
  pathPrefix?: string;
  times: number;
  /** HTTP status to answer; `reset` drops the connection instead. */
  status?: number;
  reset?: boolean;
  body?: unknown;
  headers?: Record<string, string>;
}

export class Faults {
  private list: Fault[] = [];

  inject(fault: Fault): void {
    this.list.push({ ...fault });
  }

  clear(): void {
    this.list = [];
  }

  take(method: string, path: string): Fault | undefined {
    const f = this.list.find(
      (x) =>
        x.times > 0 &&
        (!x.method || x.method === method) &&
        (!x.pathPrefix || path.startsWith(x.pathPrefix)),
    );
    if (f) f.times -= 1;
    return f;
  }
}
