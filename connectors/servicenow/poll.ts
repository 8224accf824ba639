import {
  eventSource,
  pollDeliveryKey,
  type PollOptions,
  type PollPage,
  type PollStream,
  type SourceEvent,
} from '../../src/model/index.js';
import type { Clock } from '../../src/runtime/index.js';
import type { ServiceNowClient, SnRecord } from './client.js';
import { comparePositions, decodeCursor, encodeCursor, type CursorPosition } from './cursor.js';
import { query, type EncodedQuery } from './query.js';
import type { StreamDef } from './streams.js';
import { addSeconds, formatSnTime, parseSnTime } from './time.js';

/**
 * Incremental read of one table (DESIGN §5). The position is `(sys_updated_on, sys_id)`,
 * both ascending, and paging goes by position, never by offset: offset paging drifts when
 * rows change mid-scan (a row updated behind the offset moves to the end and the one after
 * it is skipped). Two queries, both plain `^` ANDs:
 *
 *  - inside a second:  `sys_updated_on=<ts>^sys_id><id>^ORDERBYsys_id` — sys_updated_on
 *    has whole seconds, and thousands of rows can share one (bulk updates, imports), more
 *    than a page: a time-only cursor would loop or skip;
 *  - after it:         `sys_updated_on>=<ts>^ORDERBYsys_updated_on^ORDERBYsys_id`, skipping
 *    rows at or before the position (`>` once the second has been drained).
 *
 * A full page is followed by both: the drain of its last second and, sent at the same
 * time, the `>` query after that second (its answer is used once the drain is done).
 *
 * Every pass starts `overlapSeconds` before the stored cursor (late commits, clock skew);
 * the inbox drops what it already has. The stored cursor never passes the signpost: the
 * second the run started (rows stamped in it may still appear with lower sys_ids).
 */
export interface PollDeps {
  client: ServiceNowClient;
  connection: string;
  pageSize: number;
  overlapSeconds: number;
  startFrom: string;
  clock: Clock;
}

export function createPollStream(def: StreamDef, deps: PollDeps): PollStream {
  return {
    name: def.name,
    poll: (cursor, options) => pollPages(def, deps, cursor, options),
  };
}

async function* pollPages(
  def: StreamDef,
  deps: PollDeps,
  cursor: string | null,
  options: PollOptions,
): AsyncIterable<PollPage> {
  const signpost: CursorPosition = { ts: formatSnTime(options.startedAt), id: '' };
  let position: CursorPosition;
  // The stored cursor never moves back, even while the overlap window is being re-read.
  let floor: CursorPosition | undefined;
  if (cursor === null) {
    position = { ts: deps.startFrom, id: '' };
  } else {
    const stored = decodeCursor(cursor, def.name);
    floor = stored;
    position =
      deps.overlapSeconds > 0
        ? { ts: addSeconds(stored.ts, -deps.overlapSeconds), id: '' }
        : stored;
  }
  // 'drain': rows of position.ts after position.id may remain (a full page ended inside
  // that second); `>=` would refetch the whole crowded second, so page it by sys_id.
  // 'from': `>=` position.ts (first query of a pass). 'after': `>` position.ts.
  let mode: 'drain' | 'from' | 'after' = position.id !== '' ? 'drain' : 'from';
  // The `>` query that follows a drain depends only on position.ts, which a drain never
  // moves: it is sent together with the drain, so both answers travel while the caller
  // applies the page before, instead of one round trip after the other. A drain that fills
  // a page leaves it unused (the next drain sends a fresh one: rows may change meanwhile).
  let ahead: { ts: string; records: Promise<SnRecord[]> } | undefined;
  while (!options.signal?.aborted) {
    let records: SnRecord[];
    if (mode === 'after' && ahead?.ts === position.ts) {
      records = await ahead.records;
      ahead = undefined;
    } else {
      ahead = undefined;
      if (mode === 'drain') {
        const next = fetchPage(deps, def, pageQuery(def, 'after', position), options.signal);
        next.catch(() => undefined); // a failure surfaces where the answer is used, if it is
        ahead = { ts: position.ts, records: next };
      }
      records = await fetchPage(deps, def, pageQuery(def, mode, position), options.signal);
    }
    const fresh = records.filter((r) => comparePositions(positionOf(r), position) > 0);
    const full = records.length >= deps.pageSize;
    const last = records[records.length - 1];
    if (last && comparePositions(positionOf(last), position) > 0) position = positionOf(last);
    const done = !full && mode !== 'drain';
    if (fresh.length > 0 || done) {
      let next = comparePositions(position, signpost) < 0 ? position : signpost;
      if (floor && comparePositions(next, floor) < 0) next = floor;
      yield { events: fresh.map((r) => toEvent(def, deps, r)), nextCursor: encodeCursor(next) };
    }
    if (done) return;
    // A full page ends inside a second: drain it. A drained second: move past it.
    mode = full ? 'drain' : 'after';
  }
}

function pageQuery(
  def: StreamDef,
  mode: 'drain' | 'from' | 'after',
  position: CursorPosition,
): EncodedQuery {
  const q = query(def.table);
  if (def.filter) q.where(def.filter.field, '=', def.filter.value);
  if (mode === 'drain') {
    return q
      .where('sys_updated_on', '=', position.ts)
      .where('sys_id', '>', position.id)
      .orderBy('sys_id');
  }
  return q
    .where('sys_updated_on', mode === 'after' ? '>' : '>=', position.ts)
    .orderBy('sys_updated_on')
    .orderBy('sys_id');
}

async function fetchPage(
  deps: PollDeps,
  def: StreamDef,
  q: EncodedQuery,
  signal?: AbortSignal,
): Promise<SnRecord[]> {
  const page = await deps.client.list(def.table, {
    query: q,
    fields: def.fields,
    limit: deps.pageSize,
    noCount: true,
    signal,
  });
  // Rows without a readable stamp cannot be ordered: the instance would never send
  // them for a `sys_updated_on>=` query, so this only guards against a broken proxy.
  return page.records.filter((r) => parseSnTime(r.sys_updated_on ?? '') !== undefined);
}

function positionOf(r: SnRecord): CursorPosition {
  return { ts: r.sys_updated_on ?? '', id: r.sys_id ?? '' };
}

export function toEvent(
  def: StreamDef,
  deps: Pick<PollDeps, 'connection' | 'clock'>,
  r: SnRecord,
): SourceEvent {
  const id = r.sys_id ?? '';
  return {
    system: 'servicenow',
    connection: deps.connection,
    source: eventSource('servicenow', deps.connection),
    // sys_updated_on has one-second resolution: two updates within a second differ only in
    // sys_mod_count, so it is part of the delivery key (else the inbox drops the second).
    deliveryKey: pollDeliveryKey(
      def.table,
      id,
      r.sys_mod_count ? `${r.sys_updated_on ?? ''}#${r.sys_mod_count}` : (r.sys_updated_on ?? ''),
    ),
    kind: def.table,
    event: 'poll',
    externalId: id,
    receivedAt: deps.clock.now(),
    thin: false,
    payload: r,
  };
}
