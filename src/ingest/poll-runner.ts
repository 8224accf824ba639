import type { PollStream } from '../model/index.js';
import type { Store } from '../store/index.js';

export interface PollPassResult {
  pages: number;
  events: number;
  /** Events the inbox already had (overlap windows, re-polls): dropped by its unique key. */
  duplicates: number;
  cursor: string | null;
}

/**
 * One poll pass of one stream (DESIGN §5): read the stored cursor, pull pages, and for
 * each page write its events to the inbox and the page's cursor in ONE transaction, so a
 * crash anywhere repeats at most a page (whose duplicates the inbox drops) and never skips
 * one. `startedAt` is the signpost the stream must not advance past.
 */
export async function runPollPass(
  store: Store,
  connection: string,
  stream: PollStream,
  options: { startedAt: Date; signal?: AbortSignal; mappingHash?: string | null },
): Promise<PollPassResult> {
  const stored = await store.cursors.get(connection, stream.name);
  // A changed mapping invalidates what was read under the old one: start over.
  const resync =
    options.mappingHash !== undefined &&
    stored !== null &&
    stored.mappingHash !== options.mappingHash;
  let cursor = stored && !resync ? stored.cursorValue : null;
  const result: PollPassResult = { pages: 0, events: 0, duplicates: 0, cursor };
  for await (const page of stream.poll(cursor, {
    startedAt: options.startedAt,
    ...(options.signal ? { signal: options.signal } : {}),
  })) {
    const inserted = await store.db.transaction(async (m) => {
      const res = await store.inbox.insertMany(page.events, m);
      await store.cursors.set(
        {
          connection,
          stream: stream.name,
          cursorValue: page.nextCursor,
          mappingHash: options.mappingHash ?? stored?.mappingHash ?? null,
          updatedAt: options.startedAt,
        },
        m,
      );
      return res;
    });
    cursor = page.nextCursor;
    result.pages += 1;
    result.events += inserted.filter((r) => r.inserted).length;
    result.duplicates += inserted.filter((r) => !r.inserted).length;
    result.cursor = cursor;
    if (options.signal?.aborted) break;
  }
  return result;
}
