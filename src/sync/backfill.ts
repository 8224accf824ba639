import type { Connector, PollStream, SourceEvent } from '../model/index.js';
import { keepHeapUnder } from '../runtime/heap-budget.js';
import { applyBatch, type ApplyDeps, type ItemResult } from './apply-batch.js';

/**
 * Backfill (DESIGN §5): read every record of each stream in pages and apply each page in
 * transactions that also store the stream's cursor, so an interrupted backfill resumes
 * where it stopped and the daemon's next poll carries on from there. Pages are streamed
 * (never all in memory). A record that fails is reported and handed to the inbox, where
 * the processor retries it with backoff and dead-letters it with its reason if it keeps
 * failing: never dropped, and never allowed to stop the rest.
 */

export interface BackfillOptions extends ApplyDeps {
  connectors: readonly Connector[];
  /** Ignore stored cursors and read each stream from its configured start. */
  fromStart?: boolean;
  /** Records applied per transaction. */
  transactionSize?: number;
  /**
   * Used heap, in bytes, above which garbage is collected after a transaction (default
   * 96 MiB; 0 leaves collection to V8). Keeps the peak memory of a long backfill bounded.
   */
  heapBudget?: number;
  signal?: AbortSignal;
  onProgress?: (p: BackfillProgress) => void;
}

export interface BackfillProgress {
  connection: string;
  stream: string;
  records: number;
  applied: number;
  ignored: number;
  failed: number;
  /** Totals over every stream so far. */
  total: number;
}

export interface BackfillStreamResult {
  connection: string;
  stream: string;
  records: number;
  applied: number;
  ignored: number;
  failed: number;
  failures: { record: string; reason: string }[];
  ms: number;
}

export async function backfill(o: BackfillOptions): Promise<BackfillStreamResult[]> {
  const results: BackfillStreamResult[] = [];
  let total = 0;
  await o.store.db.relaxDurability();
  for (const connector of o.connectors) {
    for (const stream of connector.streams) {
      if (o.signal?.aborted) return results;
      const r = await backfillStream(
        o,
        connector,
        stream,
        (n) => (total += n),
        () => total,
      );
      results.push(r);
    }
  }
  return results;
}

async function backfillStream(
  o: BackfillOptions,
  connector: Connector,
  stream: PollStream,
  add: (n: number) => number,
  total: () => number,
): Promise<BackfillStreamResult> {
  const started = Date.now();
  const result: BackfillStreamResult = {
    connection: connector.connection,
    stream: stream.name,
    records: 0,
    applied: 0,
    ignored: 0,
    failed: 0,
    failures: [],
    ms: 0,
  };
  const stored = o.fromStart ? null : await o.store.cursors.get(connector.connection, stream.name);
  const startedAt = o.clock.now();
  const size = o.transactionSize ?? 1000;
  const heapBudget = o.heapBudget ?? 96 * 1024 * 1024;
  const pages = stream.poll(stored?.cursorValue ?? null, {
    startedAt,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  // Small pages (Jira returns at most 100 issues) are gathered until a transaction's worth
  // is waiting: per-transaction work (lookups, planning, the audit head, the cursor, the
  // commit) is then paid once per `size` records. The cursor stored is the last gathered
  // page's, so an interrupted backfill re-reads at most the pages not yet committed.
  let waiting: SourceEvent[] = [];
  let cursor = '';
  const applyWaiting = async (): Promise<void> => {
    const events = waiting;
    waiting = [];
    for (let i = 0; i < events.length; i += size) {
      const chunk = events.slice(i, i + size);
      const last = i + size >= events.length;
      const outcomes: ItemResult[] = await applyBatch(
        o,
        chunk.map((event) => ({ event })),
        last
          ? (ctx) =>
              o.store.cursors.set(
                {
                  connection: connector.connection,
                  stream: stream.name,
                  cursorValue: cursor,
                  mappingHash: stored?.mappingHash ?? null,
                  updatedAt: startedAt,
                },
                ctx.m,
              )
          : undefined,
      );
      if (heapBudget > 0) keepHeapUnder(heapBudget);
      const failedEvents = chunk.filter((_, j) => outcomes[j]?.outcome === 'failed');
      if (failedEvents.length > 0) await o.store.inbox.insertMany(failedEvents);
      outcomes.forEach((outcome, j) => {
        result.records += 1;
        if (outcome.outcome === 'failed') {
          result.failed += 1;
          const e = chunk[j]!;
          const reason =
            outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
          if (result.failures.length < 100)
            result.failures.push({ record: `${e.kind}:${e.externalId ?? ''}`, reason });
          o.logger.warn('backfill.record_failed', {
            connection: connector.connection,
            stream: stream.name,
            record: e.externalId,
            reason,
          });
        } else result[outcome.outcome] += 1;
      });
      add(chunk.length);
      o.onProgress?.({
        connection: connector.connection,
        stream: stream.name,
        records: result.records,
        applied: result.applied,
        ignored: result.ignored,
        failed: result.failed,
        total: total(),
      });
    }
  };
  for await (const page of readAhead(pages)) {
    if (page.events.length > 0) {
      waiting.push(...page.events);
      cursor = page.nextCursor;
    }
    if (waiting.length >= size) await applyWaiting();
    if (o.signal?.aborted) break;
  }
  // What was read before a stop is applied too: the next run resumes after it.
  if (waiting.length > 0) await applyWaiting();
  result.ms = Date.now() - started;
  return result;
}

/**
 * Iterates `source` while already fetching its next item, so the next page travels over
 * the network while this one is applied. At most one page waits: memory stays bounded.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = it.next();
      // A failure of the prefetch surfaces when it is awaited, not as an unhandled rejection.
      next.catch(() => undefined);
      // Let the prefetch's request leave now. Applying a page runs on promise continuations
      // that never return to the event loop (better-sqlite3 is synchronous), so without
      // these turns the request would only be sent after the page is applied.
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      yield current.value;
    }
  } finally {
    await it.return?.();
  }
}
