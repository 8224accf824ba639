/**
 * Time as a collaborator. Everything that waits or stamps goes through a Clock so tests
 * run a retry that "waits an hour" in a microsecond, with a ManualClock they advance.
 */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`; rejects with the signal's reason if aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => new Date(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        // setTimeout treats anything above 2^31-1 ms as 1 ms; clamp instead of spinning.
        Math.min(Math.max(0, ms), MAX_TIMER_MS),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

interface Sleeper {
  wakeAt: number;
  seq: number;
  resolve: () => void;
}

/**
 * A clock that moves only when told. `sleep` resolves once `advance`/`set` moves time to
 * or past its deadline, in deadline order. `whenSleeping(n)` lets a test wait until the
 * code under test has actually started waiting before it moves time.
 */
export class ManualClock implements Clock {
  private ms: number;
  private sleepers: Sleeper[] = [];
  private seq = 0;
  private watchers: Array<{ count: number; resolve: () => void }> = [];

  constructor(start: Date | string | number = '2026-01-01T00:00:00.000Z') {
    this.ms = new Date(start).getTime();
    if (Number.isNaN(this.ms)) throw new TypeError(`ManualClock: invalid start time ${start}`);
  }

  now(): Date {
    return new Date(this.ms);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        wakeAt: this.ms + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
      this.notifyWatchers();
      // A zero wait still yields, like setTimeout(0), but needs no advance.
      if (ms <= 0) this.wake();
    });
  }

  /** Move time forward and wake every sleeper whose deadline has come. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('ManualClock.advance: time only moves forward');
    this.ms += ms;
    this.wake();
  }

  /** Jump to an absolute time (never backwards). */
  set(time: Date | string | number): void {
    const target = new Date(time).getTime();
    if (Number.isNaN(target) || target < this.ms)
      throw new RangeError(`ManualClock.set: ${String(time)} is invalid or in the past`);
    this.advance(target - this.ms);
  }

  /** Number of sleeps not yet resolved. */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  /** Deadline of the next sleeper (ms since epoch), if any. */
  get nextWakeAt(): number | undefined {
    return this.sleepers.reduce<number | undefined>(
      (min, s) => (min === undefined || s.wakeAt < min ? s.wakeAt : min),
      undefined,
    );
  }

  /** Resolves once at least `count` sleeps are pending. */
  whenSleeping(count = 1): Promise<void> {
    if (this.sleepers.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push({ count, resolve }));
  }

  private wake(): void {
    const due = this.sleepers
      .filter((s) => s.wakeAt <= this.ms)
      .sort((a, b) => a.wakeAt - b.wakeAt || a.seq - b.seq);
    if (!due.length) return;
    this.sleepers = this.sleepers.filter((s) => s.wakeAt > this.ms);
    for (const s of due) s.resolve();
  }

  private notifyWatchers(): void {
    const ready = this.watchers.filter((w) => this.sleepers.length >= w.count);
    this.watchers = this.watchers.filter((w) => this.sleepers.length < w.count);
    for (const w of ready) w.resolve();
  }
}
