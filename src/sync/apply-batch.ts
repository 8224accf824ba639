import type { EntityManager } from 'typeorm';
import type { AuditLog } from '../audit/index.js';
import type { MappingSet } from '../mapping/index.js';
import type { SourceEvent } from '../model/index.js';
import type { Clock, Logger } from '../runtime/index.js';
import type { Store } from '../store/index.js';
import type { ApplyOutcome } from './apply-change.js';
import { applyEvent, prepareEvent } from './apply-event.js';
import { isChangeNumber } from './apply-change.js';
import type { ApplyContext, SyncSettings } from './context.js';
import { planTouched } from './plan-commit.js';
import type { PolicyHook } from './policy-hook.js';
import { eventRecordId, type UserDetails } from './record-facts.js';
import { emptyCache, flush, prefetch } from './tx-cache.js';
import { prefetchPeople } from './people.js';
import type { SourceEvent as Ev } from '../model/index.js';

const PEOPLE_CACHE_LIMIT = 100_000;
const peopleCaches = new WeakMap<ApplyDeps, Map<string, string>>();

/** The process-wide identity → Person cache (bounded: cleared when it grows too big). */
function peopleCache(deps: ApplyDeps): Map<string, string> {
  let cache = deps.people ?? peopleCaches.get(deps);
  if (!cache) {
    cache = new Map();
    peopleCaches.set(deps, cache);
  }
  if (cache.size > PEOPLE_CACHE_LIMIT) cache.clear();
  return cache;
}

function recordIdOf(event: Ev): string | null {
  try {
    return eventRecordId(event);
  } catch {
    return null; // applyEvent reports it
  }
}

export interface ApplyDeps {
  store: Store;
  audit: AuditLog;
  mappings: MappingSet;
  settings: SyncSettings;
  policy: PolicyHook;
  clock: Clock;
  logger: Logger;
  /** identity → Person id, shared by every transaction of this process. */
  people?: Map<string, string>;
  /**
   * Names and emails of users a record only references by id (ServiceNow `sys_user`), so
   * the person can be matched by email (DESIGN §3). Called outside the transaction, only
   * for identities no stored person has yet.
   */
  describeUsers?: (identities: string[]) => Promise<Map<string, UserDetails>>;
}

export interface BatchItem {
  event: SourceEvent;
  /** Inbox row to complete in the same transaction; absent for backfill pages. */
  inboxId?: number;
}

export type ItemResult = ApplyOutcome | { outcome: 'failed'; error: unknown };

/**
 * Applies events in ONE transaction: canonical rows, links, audit entries, findings,
 * planned outbox commands and the inbox rows' completion commit together or not at all.
 * When any event fails the whole transaction rolls back and each event is retried in a
 * transaction of its own, so one bad event is isolated and never blocks the others.
 */
const PERSON_FIELDS = ['requestedBy', 'assignedTo', 'approver', 'author', 'mergedBy', 'actor'];
const REFERENCED_ONLY = 'servicenow:sys_user:';

/** User details for referenced-only identities the store does not know yet. */
async function describeNewUsers(
  deps: ApplyDeps,
  items: readonly BatchItem[],
): Promise<Map<string, UserDetails>> {
  if (!deps.describeUsers) return new Map();
  const cache = peopleCache(deps);
  const ids = new Set<string>();
  for (const { event } of items) {
    const ready = event.event === 'unparseable' ? null : prepareEvent(deps, event);
    for (const f of PERSON_FIELDS) {
      const v = ready?.patch[f];
      if (typeof v === 'string' && v.startsWith(REFERENCED_ONLY) && !cache.has(v)) ids.add(v);
    }
  }
  if (ids.size === 0) return new Map();
  const list = [...ids];
  const known = (await deps.store.db.run((m) =>
    m.query(
      `SELECT identity, person_id FROM person_identities WHERE identity IN (${list.map(() => '?').join(',')})`,
      list,
    ),
  )) as { identity: string; person_id: string }[];
  for (const r of known) {
    cache.set(r.identity, r.person_id);
    ids.delete(r.identity);
  }
  if (ids.size === 0) return new Map();
  try {
    return await deps.describeUsers([...ids]);
  } catch (error) {
    // People are then matched by identity only; the next record naming them tries again.
    deps.logger.warn('people.describe_failed', {
      identities: ids.size,
      reason: error instanceof Error ? error.message : String(error),
    });
    return new Map();
  }
}

/** A fresh per-transaction context. */
export function openContext(
  deps: ApplyDeps,
  m: EntityManager,
  now: Date,
  users: ReadonlyMap<string, UserDetails> = new Map(),
): ApplyContext {
  return {
    m,
    store: deps.store,
    mappings: deps.mappings,
    settings: deps.settings,
    logger: deps.logger,
    now,
    audit: [],
    touched: new Set(),
    createFrom: new Map(),
    findings: [],
    gateRequests: new Set(),
    people: peopleCache(deps),
    users,
    cache: emptyCache(),
  };
}

/**
 * Re-runs policies and planning for the given changes without any new record (DESIGN §6):
 * time moves findings too (SLAs, expiries, reviews due), and waivers expire. One
 * transaction; returns the number of commands enqueued.
 */
export async function reevaluate(deps: ApplyDeps, changeIds: readonly string[]): Promise<number> {
  if (changeIds.length === 0) return 0;
  return deps.store.db.transaction(async (m) => {
    const now = deps.clock.now();
    const ctx = openContext(deps, m, now);
    for (const id of changeIds) ctx.touched.add(id);
    const enqueued = await planTouched(ctx, deps.policy);
    await deps.audit.append(ctx.audit, now, m);
    return enqueued;
  });
}

export async function applyBatch(
  deps: ApplyDeps,
  items: readonly BatchItem[],
  extra?: (ctx: ApplyContext) => Promise<void>,
): Promise<ItemResult[]> {
  if (items.length === 0) return [];
  const users = await describeNewUsers(deps, items);
  if (items.length > 1) {
    try {
      return await applyTogether(deps, items, users, extra);
    } catch {
      // fall through: find the culprit one event at a time. People the rolled-back
      // transaction created are gone again: forget them.
      peopleCache(deps).clear();
    }
  }
  const results: ItemResult[] = [];
  for (const item of items) {
    try {
      results.push(...(await applyTogether(deps, [item], users, extra)));
    } catch (error) {
      peopleCache(deps).clear();
      results.push({ outcome: 'failed', error });
    }
  }
  return results;
}

async function applyTogether(
  deps: ApplyDeps,
  items: readonly BatchItem[],
  users: ReadonlyMap<string, UserDetails>,
  extra?: (ctx: ApplyContext) => Promise<void>,
): Promise<ItemResult[]> {
  const { store } = deps;
  return store.db.transaction(async (m) => {
    const now = deps.clock.now();
    const ctx = openContext(deps, m, now, users);
    const keys: string[] = [];
    const approvals: string[] = [];
    const incidents: string[] = [];
    const refs: { system: string; ref: string }[] = [];
    const recordIds: string[] = [];
    const identities: { identity: string; record: unknown }[] = [];
    for (const { event } of items) {
      const id = recordIdOf(event);
      if (id) recordIds.push(id);
      const ready = event.event === 'unparseable' ? null : prepareEvent(ctx, event);
      const target = ready?.mapping.target;
      const patch = ready?.patch ?? {};
      if (target === 'Change' && typeof patch.key === 'string' && isChangeNumber(ctx, patch.key))
        keys.push(patch.key);
      if (id && target === 'Approval' && typeof patch.changeId === 'string') {
        approvals.push(id);
        refs.push({ system: event.system, ref: patch.changeId });
      }
      if (id && target === 'Incident') {
        incidents.push(id);
        const cause = patch.causedBy;
        if (typeof cause === 'string' && cause !== '') {
          if (isChangeNumber(ctx, cause)) keys.push(cause);
          else refs.push({ system: event.system, ref: cause });
        }
      }
      let record: unknown;
      for (const f of PERSON_FIELDS) {
        const v = patch[f];
        if (typeof v !== 'string' || v === '') continue;
        record ??= ready?.mapping.unwrapRecord(event.payload) ?? null;
        identities.push({ identity: v, record });
      }
    }
    await prefetch(ctx, recordIds, { keys, approvals, incidents, refs });
    await prefetchPeople(ctx, identities);
    const results: ItemResult[] = [];
    for (const item of items) {
      const outcome = await applyEvent(ctx, item.event);
      results.push(outcome);
      if (item.inboxId !== undefined) {
        await store.inbox.complete(
          item.inboxId,
          outcome.outcome === 'applied' ? 'done' : 'ignored',
          now,
          outcome.outcome === 'ignored' ? outcome.reason : undefined,
          m,
        );
      }
    }
    await flush(ctx);
    await planTouched(ctx, deps.policy);
    if (extra) await extra(ctx);
    await deps.audit.append(ctx.audit, now, m);
    return results;
  });
}
