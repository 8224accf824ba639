import { seededRandom } from '../../src/runtime/seeded-random.js';
/**
 * Fault injection and rate limiting for the simulator: what a real instance does to a
 * client on a bad day. Faults fire on the Nth matching request or at a rate (from a seeded
 * generator, so a run repeats); `addRate` fails requests at a rate with a kind picked
 * uniformly from named presets; the rate limiter answers 429 with the headers ServiceNow
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

/**
 * Named faults for `addRate` (the Jira simulator takes the same names):
 * - `429-retry-after`: 429 with `Retry-After: 1`; `429`: 429 with no Retry-After and no
 *   reset header, so the client must back off on its own;
 * - `500` / `502` / `503`: ServiceNow's error envelope;
 * - `reset`: the socket is destroyed before anything happens (ECONNRESET / "socket hang up").
 */
export const FAULT_PRESETS = ['429-retry-after', '429', '500', '502', '503', 'reset'] as const;
export type FaultPreset = (typeof FAULT_PRESETS)[number];

export function presetFault(preset: FaultPreset): FaultKind {
  if (preset === 'reset') return { kind: 'reset' };
  if (preset === '429-retry-after') {
    return {
      kind: 'status',
      status: 429,
      headers: { 'Retry-After': '1', 'X-RateLimit-Rule': 'changebridge-simulator-fault' },
    };
  }
  return { kind: 'status', status: Number(preset) };
}

export interface RateFaultOptions {
  /** Probability (0–1) that a matching request fails. */
  rate: number;
  /** Kinds to pick from, uniformly; default all of FAULT_PRESETS. */
  kinds?: readonly FaultPreset[];
  method?: string;
  /** Path prefix, as in `FaultRule`. */
  path?: string;
  /** Seed of this rule's own generator; default: the injector's generator. */
  seed?: number;
}

interface ActiveRule extends Omit<FaultRule, 'fault'> {
  /** One fault, or several to pick from uniformly. */
  choices: readonly FaultKind[];
  random: () => number;
  seen: number;
  fired: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  constructor(private readonly random: () => number) {}

  add(rule: FaultRule): void {
    const { fault, ...rest } = rule;
    this.rules.push({ ...rest, choices: [fault], random: this.random, seen: 0, fired: 0 });
  }

  /** Fail each matching request with probability `rate`, the kind picked uniformly. */
  addRate(options: RateFaultOptions): void {
    const kinds = options.kinds ?? FAULT_PRESETS;
    if (!(options.rate >= 0 && options.rate <= 1)) {
      throw new RangeError(
        `[servicenow-simulator] fault rate ${options.rate} is not a probability: pass 0–1`,
      );
    }
    const unknown = kinds.filter((k) => !FAULT_PRESETS.includes(k));
    if (kinds.length === 0 || unknown.length > 0) {
      throw new RangeError(
        `[servicenow-simulator] fault kinds [${unknown.join(', ')}] are not known: pick from ${FAULT_PRESETS.join(', ')}`,
      );
    }
    this.rules.push({
      rate: options.rate,
      ...(options.method ? { method: options.method } : {}),
      ...(options.path ? { path: options.path } : {}),
      choices: kinds.map(presetFault),
      random: options.seed === undefined ? this.random : seededRandom(options.seed),
      seen: 0,
      fired: 0,
    });
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
        r.nth !== undefined ? r.seen >= r.nth : r.rate !== undefined && r.random() < r.rate;
      if (!hit) continue;
      r.fired += 1;
      // A second draw only when there is a choice, so single-fault rules replay as before.
      if (r.choices.length === 1) return r.choices[0];
      return r.choices[Math.floor(r.random() * r.choices.length)];
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
