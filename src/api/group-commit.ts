import type { SourceEvent } from '../model/index.js';
import type { InboxInsertResult, InboxRepository, Store } from '../store/index.js';

/**
 * Group commit for webhook inbox writes on SQLite. There every store call already waits
 * for one process-wide lock (one better-sqlite3 connection), so concurrent webhooks queue
 * up one transaction each. Here the requests that arrive while a write is running are
 * written together in the next transaction: one commit instead of many, and each request
 * still answers only after its own events are committed. With nothing queued a request
 * is written at once, so a quiet daemon adds no latency.
 *
 * MySQL/MariaDB has a connection pool and row locks: the store is returned unchanged.
 */
export function withGroupCommit(store: Store, options: { maxEvents?: number } = {}): Store {
  if (store.db.dialect !== 'sqlite') return store;
  const inbox = store.inbox;
  const maxEvents = options.maxEvents ?? 64;
  const waiting: Waiter[] = [];
  let writing = false;

  const drain = async (): Promise<void> => {
    writing = true;
    try {
      while (waiting.length > 0) {
        const batch = takeBatch(waiting, maxEvents);
        await writeBatch(inbox, batch);
      }
    } finally {
      writing = false;
    }
  };

  // A view of the inbox whose insertMany joins the next group; everything else inherited.
  const grouped = Object.create(inbox) as InboxRepository;
  grouped.insertMany = (events, manager) => {
    // Inside a caller's transaction the caller owns the commit: no grouping.
    if (manager || events.length === 0) return inbox.insertMany(events, manager);
    return new Promise<InboxInsertResult[]>((resolve, reject) => {
      waiting.push({ events, resolve, reject });
      if (!writing) void drain();
    });
  };
  return { ...store, inbox: grouped };
}

interface Waiter {
  events: readonly SourceEvent[];
  resolve(results: InboxInsertResult[]): void;
  reject(error: unknown): void;
}

/** Whole requests, oldest first, up to `maxEvents` events (always at least one request). */
function takeBatch(waiting: Waiter[], maxEvents: number): Waiter[] {
  const batch: Waiter[] = [waiting.shift()!];
  let events = batch[0]!.events.length;
  while (waiting.length > 0 && events + waiting[0]!.events.length <= maxEvents) {
    const next = waiting.shift()!;
    events += next.events.length;
    batch.push(next);
  }
  return batch;
}

async function writeBatch(inbox: InboxRepository, batch: Waiter[]): Promise<void> {
  try {
    const results = await inbox.insertMany(batch.flatMap((w) => w.events));
    let at = 0;
    for (const w of batch) {
      w.resolve(results.slice(at, at + w.events.length));
      at += w.events.length;
    }
  } catch (error) {
    if (batch.length === 1) {
      batch[0]!.reject(error);
      return;
    }
    // One bad request must not fail its neighbours: write each alone, so only it gets 503.
    for (const w of batch) {
      try {
        w.resolve(await inbox.insertMany(w.events));
      } catch (own) {
        w.reject(own);
      }
    }
  }
}
