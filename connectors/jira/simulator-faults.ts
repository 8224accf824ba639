import { seededRandom } from '../../src/runtime/seeded-random.js';
import type { SimResponse } from './simulator-http.js';

/**
 * Fault injection for the Jira simulator: what Jira Cloud does to a client on a bad day.
 * Two ways in:
 *  - `Fault`: the next `times` matching requests answer `status` (a scripted scenario);
 *  - `RateFaultOptions`: every matching request fails with probability `rate`, the kind
 *    picked uniformly from `kinds` by a seeded generator, so a run repeats exactly
 *    (same seed, same requests in the same order → same faults).
 * A faulted request never reaches a route, so it changes no state.
 */

export interface Fault {
  method?: string;
  /** Substring of the path. */
  path?: string;
  status: number;
  /** How many matching requests fail; then the fault is spent. */
  times: number;
  retryAfterSeconds?: number;
  body?: unknown;
}

/**
 * - `429-retry-after`: 429 with `Retry-After: 1` and the X-RateLimit-* headers Jira's burst
 *   limiter sends;
 * - `429`: 429 with no Retry-After and no reset header, so the client must back off alone;
 * - `500` / `502` / `503`: Jira's error envelope `{"errorMessages":[…],"errors":{}}`;
 * - `reset`: the socket is destroyed without an answer (ECONNRESET / "socket hang up").
 */
export const FAULT_PRESETS = ['429-retry-after', '429', '500', '502', '503', 'reset'] as const;
export type FaultPreset = (typeof FAULT_PRESETS)[number];

export interface RateFaultOptions {
  /** Probability (0–1) that a matching request fails. */
  rate: number;
  /** Kinds to pick from, uniformly; default all of FAULT_PRESETS. */
  kinds?: readonly FaultPreset[];
  method?: string;
  /** Substring of the path, as for `Fault`. */
  path?: string;
  /** Seed of this rule's generator (default 1). */
  seed?: number;
}

/** What the simulator does instead of routing the request. */
export type FaultAction =
  | { kind: 'respond'; preset?: FaultPreset; response: SimResponse }
  | { kind: 'reset'; preset: 'reset' };

/** The headers of Jira's burst limiter on a 429 (shared with the simulator's rate limiter). */
export function rateLimitHeaders(limit: number, resetMs: number, nowMs: number) {
  return {
    'retry-after': String(Math.max(1, Math.ceil((resetMs - nowMs) / 1000))),
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': new Date(resetMs).toISOString(),
    'ratelimit-reason': 'jira-burst-based',
  };
}

const REASONS: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

function presetAction(preset: FaultPreset, limit: number, nowMs: number): FaultAction {
  if (preset === 'reset') return { kind: 'reset', preset };
  const status = Number(preset.slice(0, 3));
  const headers = preset === '429-retry-after' ? rateLimitHeaders(limit, nowMs + 1000, nowMs) : {};
  const message =
    status === 429 ? 'Rate limit exceeded.' : `Injected fault ${status}: ${REASONS[status]}`;
  return {
    kind: 'respond',
    preset,
    response: { status, headers, body: { errorMessages: [message], errors: {} } },
  };
}

const matches = (rule: { method?: string; path?: string }, method: string, path: string): boolean =>
  (!rule.method || rule.method.toUpperCase() === method) &&
  (!rule.path || path.includes(rule.path));

interface RateRule {
  options: RateFaultOptions;
  kinds: readonly FaultPreset[];
  random: () => number;
}

export class JiraFaults {
  private scripted: Fault[] = [];
  private rated: RateRule[] = [];

  /** `limit` is what X-RateLimit-Limit says on an injected 429. */
  constructor(private readonly limit: number) {}

  inject(fault: Fault): void {
    this.scripted.push({ ...fault });
  }

  injectRate(options: RateFaultOptions): void {
    const kinds = options.kinds ?? FAULT_PRESETS;
    if (!(options.rate >= 0 && options.rate <= 1)) {
      throw new RangeError(
        `[jira-simulator] fault rate ${options.rate} is not a probability: pass 0–1`,
      );
    }
    const unknown = kinds.filter((k) => !FAULT_PRESETS.includes(k));
    if (kinds.length === 0 || unknown.length > 0) {
      throw new RangeError(
        `[jira-simulator] fault kinds [${unknown.join(', ')}] are not known: pick from ${FAULT_PRESETS.join(', ')}`,
      );
    }
    this.rated.push({ options: { ...options }, kinds, random: seededRandom(options.seed ?? 1) });
  }

  clear(): void {
    this.scripted = [];
    this.rated = [];
  }

  /** The fault for this request, if any. Scripted faults go first, then rate rules in order. */
  take(method: string, path: string, nowMs: number): FaultAction | undefined {
    const fault = this.scripted.find((f) => f.times > 0 && matches(f, method, path));
    if (fault) {
      fault.times -= 1;
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined
          ? { 'retry-after': String(fault.retryAfterSeconds) }
          : {};
      const body = fault.body ?? {
        errorMessages: [`Injected fault ${fault.status}`],
        errors: {},
      };
      return { kind: 'respond', response: { status: fault.status, headers, body } };
    }
    for (const rule of this.rated) {
      if (!matches(rule.options, method, path)) continue;
      // Exactly two draws per hit and one per miss, so the sequence depends only on the seed
      // and on which requests matched.
      if (rule.random() >= rule.options.rate) continue;
      const preset = rule.kinds[Math.floor(rule.random() * rule.kinds.length)]!;
      return presetAction(preset, this.limit, nowMs);
    }
    return undefined;
  }
}
