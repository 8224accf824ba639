import PQueue from 'p-queue';
import pRetry, { AbortError } from 'p-retry';
import type { Clock } from './clock.js';
import { HttpError } from './errors.js';
import { toFailureInfo, type FailureInfo } from './failure-info.js';
import type { HttpSettings } from './http-settings.js';
import type { Logger } from './logger.js';
import { classifyError, type RetryDecision, type RetryPolicy } from './retry-classifier.js';

/** Widening of the rate window that absorbs send-time jitter (see HostLane). */
export const RATE_MARGIN = 1.1;

/**
 * Per-host queues plus the retry loop. Every outbound call — our HttpClient, a
 * third-party axios client through the adapter, or any `() => Promise<T>` — runs here:
 *   pRetry( queue.add(attempt) )  →  on failure: classify, leave the queue, sleep, re-queue.
 * An attempt holds a concurrency slot only while it is on the wire; waiting for a retry
 * happens outside the queue so a backing-off request never starves its neighbours.
 */

export interface ScheduleOptions {
  /** HTTP method of the call: decides whether a failure may be repeated. */
  method: string;
  /** Path without query, for logs and metrics. */
  path?: string;
  /** Override the method's idempotency (e.g. a POST carrying an idempotency key). */
  idempotent?: boolean;
  signal?: AbortSignal;
}

export type HttpMetric =
  | {
      type: 'attempt';
      host: string;
      method: string;
      ok: boolean;
      status?: number;
      code?: string;
      durationMs: number;
    }
  | {
      type: 'retry';
      host: string;
      method: string;
      attempt: number;
      waitMs: number;
      hostWide: boolean;
      reason: string;
    }
  | { type: 'give_up'; host: string; method: string; attempts: number; reason: string };

export interface HostSchedulerDeps {
  settingsFor(hostKey: string): HttpSettings;
  logger: Logger;
  clock: Clock;
  random: () => number;
  onMetric?: (metric: HttpMetric) => void;
}

export interface HostStats {
  queued: number;
  running: number;
  /** Set while a rate limit pauses the whole host. */
  pausedUntil?: Date;
}

/** Carries the classifier's "yes, retry" from the attempt to p-retry's onFailedAttempt. */
class RetrySignal extends Error {
  constructor(
    readonly failure: unknown,
    readonly info: FailureInfo,
    readonly decision: RetryDecision,
  ) {
    super(decision.reason);
  }
}

class HostLane {
  readonly queue: PQueue;
  private pausedUntilMs = 0;

  constructor(
    readonly settings: HttpSettings,
    private readonly clock: Clock,
  ) {
    const capped = settings.intervalCap > 0 && settings.intervalMs > 0;
    this.queue = new PQueue({
      concurrency: settings.concurrency,
      // strict = sliding window: never more than intervalCap starts in any intervalMs,
      // which is how vendors count; the fixed window allows 2× bursts at its edges. The
      // window is 10 % wider than configured: a request reaches the vendor a little after
      // it starts (connection set-up, a busy event loop), and that jitter must not push
      // arrivals in one of the vendor's windows over the cap.
      ...(capped
        ? {
            intervalCap: settings.intervalCap,
            interval: Math.ceil(settings.intervalMs * RATE_MARGIN),
            strict: true,
          }
        : {}),
    });
  }

  /** Hold every queued request to this host until `waitMs` from now (latest pause wins). */
  pauseFor(waitMs: number): void {
    const until = this.clock.now().getTime() + waitMs;
    if (until <= this.pausedUntilMs) return;
    this.pausedUntilMs = until;
    this.queue.pause();
    // A timer may fire a millisecond before the clock reads `until`: sleep the rest rather
    // than leave the host paused for good.
    const resume = (): void => {
      const left = this.pausedUntilMs - this.clock.now().getTime();
      if (left > 0) void this.clock.sleep(left).then(resume);
      else this.queue.start();
    };
    void this.clock.sleep(waitMs).then(resume);
  }

  get pausedUntil(): Date | undefined {
    return this.queue.isPaused ? new Date(this.pausedUntilMs) : undefined;
  }
}

export class HostScheduler {
  private readonly lanes = new Map<string, HostLane>();

  constructor(private readonly deps: HostSchedulerDeps) {}

  async schedule<T>(
    hostKey: string,
    fn: (attempt: number) => Promise<T>,
    options: ScheduleOptions,
  ): Promise<T> {
    const lane = this.laneFor(hostKey);
    const { settings } = lane;
    const policy: RetryPolicy = { ...settings, random: this.deps.random };
    const method = options.method.toUpperCase();
    const fields = { method, host: hostKey, path: options.path };

    const attemptOnce = async (attempt: number): Promise<T> => {
      try {
        return await lane.queue.add(() => this.timed(hostKey, method, () => fn(attempt)), {
          signal: options.signal,
        });
      } catch (error) {
        const failure = toFailureInfo(error, { method, idempotent: options.idempotent });
        const nowMs = this.deps.clock.now().getTime();
        const decision = classifyError(failure, attempt, policy, nowMs);
        if (decision.retry) throw new RetrySignal(error, failure, decision);
        this.deps.logger.debug('http.give_up', {
          ...fields,
          attempts: attempt,
          reason: decision.reason,
        });
        this.deps.onMetric?.({
          type: 'give_up',
          host: hostKey,
          method,
          attempts: attempt,
          reason: decision.reason,
        });
        // p-retry rethrows AbortError's originalError untouched: the caller sees our error.
        throw new AbortError(withOutcome(error, attempt, decision.reason));
      }
    };

    try {
      return await pRetry(attemptOnce, {
        // The classifier already stops at maxRetries; this only keeps p-retry in step.
        retries: settings.maxRetries,
        minTimeout: 0, // all waiting is done below, as the classifier said
        signal: options.signal,
        onFailedAttempt: async ({ error, attemptNumber }) => {
          if (!(error instanceof RetrySignal)) return;
          const { decision, info } = error;
          // Headers and bodies stay out of this line on purpose (they carry cookies/PII).
          this.deps.logger.info('http.retry', {
            ...fields,
            status: info.status,
            code: info.code,
            attempt: attemptNumber,
            waitMs: decision.waitMs,
            reason: decision.reason,
          });
          this.deps.onMetric?.({
            type: 'retry',
            host: hostKey,
            method,
            attempt: attemptNumber,
            waitMs: decision.waitMs,
            hostWide: decision.hostWide,
            reason: decision.reason,
          });
          if (decision.hostWide) lane.pauseFor(decision.waitMs);
          await this.deps.clock.sleep(decision.waitMs, options.signal);
        },
      });
    } catch (error) {
      // Backstop: if p-retry ever stops before the classifier, surface the real failure.
      if (error instanceof RetrySignal) throw error.failure;
      throw error;
    }
  }

  stats(hostKey: string): HostStats {
    const lane = this.lanes.get(hostKey);
    if (!lane) return { queued: 0, running: 0 };
    return { queued: lane.queue.size, running: lane.queue.pending, pausedUntil: lane.pausedUntil };
  }

  /** Resolves when every host queue is empty and idle (graceful shutdown). */
  async onIdle(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((l) => l.queue.onIdle()));
  }

  private laneFor(hostKey: string): HostLane {
    let lane = this.lanes.get(hostKey);
    if (!lane) {
      lane = new HostLane(this.deps.settingsFor(hostKey), this.deps.clock);
      this.lanes.set(hostKey, lane);
    }
    return lane;
  }

  private async timed<T>(host: string, method: string, run: () => Promise<T>): Promise<T> {
    if (!this.deps.onMetric) return run();
    const started = performance.now();
    const emit = (ok: boolean, status?: number, code?: string): void =>
      this.deps.onMetric?.({
        type: 'attempt',
        host,
        method,
        ok,
        status,
        code,
        durationMs: performance.now() - started,
      });
    try {
      const result = await run();
      const status = (result as { status?: unknown } | null)?.status;
      emit(true, typeof status === 'number' ? status : undefined);
      return result;
    } catch (error) {
      const failure = toFailureInfo(error, { method });
      emit(false, failure.status, failure.code);
      throw error;
    }
  }
}

function withOutcome(error: unknown, attempts: number, reason: string): Error {
  if (error instanceof HttpError) return error.withRetryOutcome(attempts, reason);
  if (error instanceof Error) return error;
  return new Error(String(error));
}
