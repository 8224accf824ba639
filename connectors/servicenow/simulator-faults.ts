import { seededRandom } from '../../src/runtime/seeded-random.js';
/**
 * Fault injection and rate limiting for the simulator: what a real instance does to a
 * client on a bad day. Faults fire on the Nth matching request or at a rate (from a seeded
 * generator, so a run repeats); the rate limiter answers 429 with the headers ServiceNow
 * sends for an inbound REST rate-limit rule.
 */

export type FaultKind =
  /** Answer this status (with ServiceNow's error envelope unless `body` is given). */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  /** Destroy the socket before answering: the request had no effect. */
  | { kind: 'reset' }
  /** Process the request, then destroy the socket: the effect happened, the answer is lost. */
  | { kind: 'reset_after_commit' }
  /** Wait before handling the request normally. */
  | { kind: 'delay'; ms: number };

export interface FaultRule {
  fault: FaultKind;
  /** Fire on the Nth request matching this rule (1-based, counted from when it was added). */
  nth?: number;
  /** Fire with this probability per matching request (0–1). */
  rate?: number;
  /** How many times it may fire; default 1 with `nth`, unlimited with `rate`. */
  times?: number;
  method?: string;
  /** Path prefix, e.g. `/api/now/table/change_request`. */
  path?: string;
}

interface ActiveRule extends FaultRule {
  seen: number;
  fired: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  constructor(private readonly random: () => number) {}

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, seen: 0, fired: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault to apply to this request, if any. */
  pick(method: string, path: string): FaultKind | undefined {
    for (const r of this.rules) {
      if (r.method && r.method.toUpperCase() !== method.toUpperCase()) continue;
      if (r.path && !path.startsWith(r.path)) continue;
      r.seen += 1;
      const limit = r.times ?? (r.nth !== undefined ? 1 : Infinity);
      if (r.fired >= limit) continue;
      const hit =
        r.nth !== undefined ? r.seen >= r.nth : r.rate !== undefined && this.random() < r.rate;
      if (!hit) continue;
      r.fired += 1;
      return r.fault;
    }
    return undefined;
  }
}

export interface RateLimitOptions {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
  /** Name reported in X-RateLimit-Rule. */
  rule?: string;
}

export interface RateLimitVerdict {
  allowed: boolean;
  headers: Record<string, string>;
}

/** Fixed windows aligned to the first request, like an instance's per-hour rules. */
export class RateLimiter {
  private windowStart = 0;
  private used = 0;

  constructor(private readonly options: RateLimitOptions) {}

  check(nowMs: number): RateLimitVerdict {
    const { limit, windowMs } = this.options;
    if (nowMs >= this.windowStart + windowMs) {
      this.windowStart = nowMs;
      this.used = 0;
    }
    const resetMs = this.windowStart + windowMs;
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Reset': String(Math.ceil(resetMs / 1000)),
      'X-RateLimit-Rule': this.options.rule ?? 'changebridge-simulator',
    };
    if (this.used >= limit) {
      headers['Retry-After'] = String(Math.max(1, Math.ceil((resetMs - nowMs) / 1000)));
      return { allowed: false, headers };
    }
    this.used += 1;
    return { allowed: true, headers };
  }
}

export { seededRandom };
