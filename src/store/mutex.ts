/**
 * A FIFO async mutex. SQLite in changebridge is one better-sqlite3 connection shared by the
 * whole process: two typeorm transactions started concurrently on it would nest
 * ("cannot start a transaction within a transaction") or interleave, so every store
 * operation on SQLite runs under this lock. MySQL uses a pool and row locks instead.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
