import { performance } from 'node:perf_hooks';

/**
 * When each request arrived, so a test can assert that a client never went faster than it
 * was told to. Times are monotonic milliseconds (`performance.now()`), not the simulator's
 * clock: the question is how fast requests hit the socket, even when the simulated vendor
 * runs on a manual clock. Only the last `capacity` arrivals are kept (a ring), so a
 * long-running `sim` stays bounded; `requestCount` counts every arrival.
 */
export class RequestMeter {
  private readonly times: Float64Array;
  private next = 0;
  private total = 0;

  constructor(
    capacity = 100_000,
    /** Must never go backwards. */
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`[request-meter] capacity ${capacity} must be a positive integer`);
    }
    this.times = new Float64Array(capacity);
  }

  /** Call once per request, as soon as it arrives (faulted and rejected requests count too). */
  record(): void {
    this.times[this.next] = this.now();
    this.next = (this.next + 1) % this.times.length;
    this.total += 1;
  }

  get requestCount(): number {
    return this.total;
  }

  /**
   * The most requests that arrived within any window `[t, t + windowMs)` (sliding, not
   * aligned to buckets), over the retained arrivals.
   */
  maxRequestsPerWindow(windowMs: number): number {
    if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
      throw new RangeError(`[request-meter] windowMs ${windowMs} must be a positive number`);
    }
    const capacity = this.times.length;
    const n = Math.min(this.total, capacity);
    // Oldest retained arrival: slot 0 until the ring wraps, then the slot written next.
    const first = this.total > capacity ? this.next : 0;
    const at = (i: number): number => this.times[(first + i) % capacity]!;
    let best = 0;
    let lo = 0;
    for (let hi = 0; hi < n; hi++) {
      while (at(hi) - at(lo) >= windowMs) lo += 1;
      best = Math.max(best, hi - lo + 1);
    }
    return best;
  }

  /** Forget every arrival (e.g. after a test's setup traffic). */
  reset(): void {
    this.next = 0;
    this.total = 0;
  }
}
