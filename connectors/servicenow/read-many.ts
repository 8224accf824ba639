import { UserError } from '../../src/runtime/index.js';
import type { SourceEvent } from '../../src/model/index.js';
import type { ServiceNowClient } from './client.js';
import { toEvent, type PollDeps } from './poll.js';
import { query } from './query.js';
import { STREAMS } from './streams.js';

/**
 * Reconciliation's fresh read (DESIGN §7): records of one table by sys_id, as the poll sees
 * them. One Table API GET per 100 sys_ids — `sys_idIN<a>,<b>,…^ORDERBYsys_id` with the
 * poll's `sysparm_fields`, raw values and plain reference sys_ids — so the events carry the
 * very payload a poll would and the same mappings read them. 100 ids × 33 characters keep
 * the URL near 4 KB, well under the 8 KB proxies and instances tolerate.
 *
 * A page the instance cuts short (an admin's lower maximum for `sysparm_limit`) says so
 * with `Link: rel="next"`. The rest is read by asking again for the ids not yet returned,
 * not by `sysparm_offset`: the instance repeats the whole query in each of the Link
 * header's first/prev/next/last URLs, and with 100 ids four copies pass the 16 KB header
 * limit of Node's HTTP parser (and of many proxies). A shrinking query keeps every
 * request and answer small, and cannot skip rows.
 *
 * An id the instance does not return is deleted or hidden by an ACL (both look the same
 * through the Table API); ids that are not sys_ids cannot exist and are not asked for.
 */

/** sys_ids per request. */
export const READ_MANY_CHUNK = 100;
/** Pages followed for one chunk before giving up: the instance must be looping. */
const MAX_PAGES_PER_CHUNK = 100;

export const READABLE_KINDS: readonly string[] = STREAMS.map((s) => s.table);

const SYS_ID = /^[0-9a-f]{32}$/;

export async function readMany(
  deps: Pick<PollDeps, 'connection' | 'clock'> & { client: ServiceNowClient },
  kind: string,
  externalIds: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, SourceEvent>> {
  const def = STREAMS.find((s) => s.table === kind);
  if (!def) {
    throw new UserError('servicenow', `readMany: "${kind}" is not a table this connector reads`, {
      hint: `ask for one of ${READABLE_KINDS.join(', ')}`,
    });
  }
  const wanted = new Set(externalIds);
  const ids = [...wanted].filter((id) => SYS_ID.test(id));
  const out = new Map<string, SourceEvent>();
  for (let i = 0; i < ids.length; i += READ_MANY_CHUNK) {
    let pending = ids.slice(i, i + READ_MANY_CHUNK);
    for (let pages = 0; pending.length > 0 && pages < MAX_PAGES_PER_CHUNK; pages++) {
      signal?.throwIfAborted();
      const q = query(def.table);
      // The poll's own restriction (e.g. approvals of changes only): a record the poll would
      // never deliver is not one reconciliation should see either.
      if (def.filter) q.where(def.filter.field, '=', def.filter.value);
      q.where('sys_id', 'IN', pending).orderBy('sys_id');
      const page = await deps.client.list(def.table, {
        query: q,
        fields: def.fields,
        limit: pending.length,
        noCount: true,
        signal,
      });
      for (const r of page.records) {
        // An instance that ignored the IN term (it drops what it cannot parse) would send
        // other rows: keep only what was asked for.
        if (!r.sys_id || !wanted.has(r.sys_id)) continue;
        out.set(r.sys_id, { ...toEvent(def, deps, r), event: 'reconcile' });
      }
      if (!page.hasNext || page.records.length === 0) break;
      pending = pending.filter((id) => !out.has(id));
    }
  }
  return out;
}
