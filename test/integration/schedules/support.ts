import { createScheduler, type ScheduledJob, type Scheduler } from '../../../src/ingest/index.js';
import { createMemoryLogger, type Clock } from '../../../src/runtime/index.js';
import { createStore, type Database, type Store } from '../../../src/store/index.js';

/** A promise with its resolve/reject handed out, for holding a job mid-run. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** One "replica": its own database connection, store, logger and scheduler. */
export interface Replica {
  holder: string;
  store: Store;
  scheduler: Scheduler;
  logs: ReturnType<typeof createMemoryLogger>;
}

export function replica(db: Database, holder: string, clock: Clock, jobs: ScheduledJob[]): Replica {
  const store = createStore(db);
  const logs = createMemoryLogger({ clock });
  const scheduler = createScheduler({ store, clock, logger: logs.logger, holder, jobs });
  return { holder, store, scheduler, logs };
}

/** Lets pending I/O callbacks and promise jobs run (a simulated "other work" step). */
export const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));
