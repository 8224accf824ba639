import type { Approval, Change, Incident, Link, Person } from '../model/index.js';
import { ConcurrentUpdateError } from '../store/index.js';
import type { ApplyContext } from './context.js';

/**
 * What one processing transaction has read or written of changes and links, so a batch
 * reads each row once (prefetched with IN lists) and later events see earlier ones'
 * writes without asking the database again.
 */
export interface TxCache {
  /** recordId → its links; present keys are complete. */
  linksByRecord: Map<string, Link[]>;
  /** changeId → its links; present keys are complete. */
  linksByChange: Map<string, Link[]>;
  changes: Map<string, Change>;
  /** change key → id of the cached change holding it (kept by `remember`). */
  changeIdsByKey: Map<string, string>;
  /** Change keys looked up and not found (until a change with the key is saved). */
  missingKeys: Set<string>;
  /** `<system>:<externalId>` → links (for approvals naming their change request). */
  linksByExternal: Map<string, Link[]>;
  /** Approval id → stored approval, or null when there is none yet. */
  approvals: Map<string, Approval | null>;
  /** Incident id → stored incident, or null when there is none yet. */
  incidents: Map<string, Incident | null>;
  /** Changes created in this transaction, written by `flush` in multi-row statements. */
  pendingChanges: Map<string, Change>;
  /** Links upserted in this transaction, written by `flush`. */
  pendingLinks: Map<string, Link>;
  /** Approvals upserted in this transaction, written by `flush`. */
  pendingApprovals: Map<string, Approval>;
  /** Incidents upserted in this transaction, written by `flush`. */
  pendingIncidents: Map<string, Incident>;
  /** Person identities looked up at the start of the transaction that nobody owned. */
  absentIdentities: Set<string>;
  /** Emails of those identities that no stored person had at the start (normalised). */
  absentEmails: Set<string>;
  /** People created in this transaction, by id, written by `flush`. */
  pendingPeople: Map<string, Person>;
  /** The same people by their (normalised) email. */
  pendingPeopleByEmail: Map<string, Person>;
}

export function emptyCache(): TxCache {
  return {
    linksByRecord: new Map(),
    linksByChange: new Map(),
    changes: new Map(),
    changeIdsByKey: new Map(),
    missingKeys: new Set(),
    linksByExternal: new Map(),
    approvals: new Map(),
    incidents: new Map(),
    pendingChanges: new Map(),
    pendingLinks: new Map(),
    pendingApprovals: new Map(),
    pendingIncidents: new Map(),
    absentIdentities: new Set(),
    absentEmails: new Set(),
    pendingPeople: new Map(),
    pendingPeopleByEmail: new Map(),
  };
}

/** Caches `change`, keeping the key index in step (a re-keyed change drops its old key). */
function remember(cache: TxCache, change: Change): void {
  const previous = cache.changes.get(change.id);
  if (
    previous &&
    previous.key !== change.key &&
    cache.changeIdsByKey.get(previous.key) === change.id
  )
    cache.changeIdsByKey.delete(previous.key);
  cache.changes.set(change.id, change);
  cache.changeIdsByKey.set(change.key, change.id);
}

/**
 * Writes the changes, links, approvals and incidents this transaction created or upserted,
 * many rows per statement. Called before anything reads those tables from the database, and before
 * commit: within the transaction, reads go through this cache, which already has them.
 */
export async function flush(ctx: ApplyContext): Promise<void> {
  const { cache, m } = ctx;
  await flushPeople(ctx);
  if (cache.pendingChanges.size > 0) {
    const changes = [...cache.pendingChanges.values()];
    cache.pendingChanges.clear();
    await ctx.store.syncRows.insertChanges(m, changes);
  }
  if (cache.pendingLinks.size > 0) {
    const links = [...cache.pendingLinks.values()];
    cache.pendingLinks.clear();
    await ctx.store.syncRows.upsertLinks(m, links);
  }
  if (cache.pendingApprovals.size > 0) {
    const approvals = [...cache.pendingApprovals.values()];
    cache.pendingApprovals.clear();
    await ctx.store.syncRows.approvals.upsertMany(m, approvals, ['id']);
  }
  if (cache.pendingIncidents.size > 0) {
    const incidents = [...cache.pendingIncidents.values()];
    cache.pendingIncidents.clear();
    await ctx.store.syncRows.incidents.upsertMany(m, incidents, ['id']);
  }
}

/** Writes the people this transaction created (part of `flush`). */
export async function flushPeople(
  ctx: Pick<ApplyContext, 'store' | 'm'> & { cache: Pick<TxCache, 'pendingPeople'> },
): Promise<void> {
  const { pendingPeople } = ctx.cache;
  if (pendingPeople.size === 0) return;
  const people = [...pendingPeople.values()];
  pendingPeople.clear();
  await ctx.store.people.createMany(people, ctx.m);
}

/** Upserts an incident: written by `flush`, read back from the cache until then. */
export function putIncident(ctx: ApplyContext, incident: Incident): void {
  ctx.cache.pendingIncidents.set(incident.id, incident);
  ctx.cache.incidents.set(incident.id, incident);
}

export async function storedIncident(ctx: ApplyContext, id: string): Promise<Incident | null> {
  if (ctx.cache.incidents.has(id)) return ctx.cache.incidents.get(id) ?? null;
  const [row] = await ctx.store.syncRows.incidents.selectIn(ctx.m, 'id', [id]);
  return row ?? null;
}

/** Upserts an approval: written by `flush`, read back from the cache until then. */
export function putApproval(ctx: ApplyContext, approval: Approval): void {
  ctx.cache.pendingApprovals.set(approval.id, approval);
  ctx.cache.approvals.set(approval.id, approval);
}

/** What a batch's records name, read for it in one round of IN queries. */
export interface PrefetchWanted {
  /** Change numbers the records carry. */
  keys?: readonly string[];
  /** Approval record ids. */
  approvals?: readonly string[];
  /** Incident record ids. */
  incidents?: readonly string[];
  /** Records named by their id in their system (an approval's or incident's change request). */
  refs?: readonly { system: string; ref: string }[];
}

/**
 * One round of IN queries for a batch: links of its records, its stored approvals and
 * incidents, the links of the records they name, the changes named by its keys (found or
 * known to be missing) or owning those links, and those changes' links.
 */
export async function prefetch(
  ctx: ApplyContext,
  recordIds: readonly string[],
  more: PrefetchWanted = {},
): Promise<void> {
  const { cache, m } = ctx;
  const rows = ctx.store.syncRows;
  const { keys = [], approvals = [], incidents = [], refs = [] } = more;
  await flush(ctx);
  if (approvals.length > 0) {
    for (const id of approvals) cache.approvals.set(id, null);
    for (const a of await rows.approvals.selectIn(m, 'id', approvals)) cache.approvals.set(a.id, a);
  }
  if (incidents.length > 0) {
    for (const id of incidents) cache.incidents.set(id, null);
    for (const i of await rows.incidents.selectIn(m, 'id', incidents)) cache.incidents.set(i.id, i);
  }
  const externals = refs.filter((r) => !cache.linksByExternal.has(`${r.system}:${r.ref}`));
  for (const r of externals) cache.linksByExternal.set(`${r.system}:${r.ref}`, []);
  for (const system of new Set(externals.map((r) => r.system))) {
    const ids = externals.filter((r) => r.system === system).map((r) => r.ref);
    for (const l of await rows.linksByExternalIds(m, system, ids))
      cache.linksByExternal.get(`${system}:${l.externalId}`)?.push(l);
  }
  const wanted = recordIds.filter((id) => !cache.linksByRecord.has(id));
  const links = wanted.length > 0 ? await rows.linksByRecords(m, wanted) : [];
  for (const id of wanted) cache.linksByRecord.set(id, []);
  for (const l of links) cache.linksByRecord.get(l.recordId)?.push(l);
  const byKey = keys.filter((k) => !cache.missingKeys.has(k));
  if (byKey.length > 0) {
    for (const k of byKey) cache.missingKeys.add(k);
    for (const c of await rows.changesByKeys(m, byKey)) {
      cache.missingKeys.delete(c.key);
      remember(cache, c);
    }
  }
  const owners = [...cache.linksByExternal.values()].flat();
  const changeIds = [
    ...new Set([...links, ...owners].map((l) => l.changeId).filter((id) => !cache.changes.has(id))),
  ];
  if (changeIds.length > 0) {
    for (const c of await rows.changesByIds(m, changeIds)) remember(cache, c);
  }
  const linkless = [...cache.changes.keys()].filter((id) => !cache.linksByChange.has(id));
  if (linkless.length === 0) return;
  for (const id of linkless) cache.linksByChange.set(id, []);
  for (const l of await rows.linksByChanges(m, linkless))
    cache.linksByChange.get(l.changeId)?.push(l);
}

export async function linksOfRecord(ctx: ApplyContext, recordId: string): Promise<Link[]> {
  if (!ctx.cache.linksByRecord.has(recordId)) await prefetch(ctx, [recordId]);
  return ctx.cache.linksByRecord.get(recordId) ?? [];
}

export async function linksOfChange(ctx: ApplyContext, changeId: string): Promise<Link[]> {
  let links = ctx.cache.linksByChange.get(changeId);
  if (!links) {
    await flush(ctx);
    links = await ctx.store.syncRows.linksByChanges(ctx.m, [changeId]);
    ctx.cache.linksByChange.set(changeId, links);
  }
  return links;
}

export async function changeById(ctx: ApplyContext, id: string): Promise<Change | null> {
  let change = ctx.cache.changes.get(id);
  if (!change) {
    await flush(ctx);
    [change] = await ctx.store.syncRows.changesByIds(ctx.m, [id]);
    if (change) remember(ctx.cache, change);
  }
  return change ?? null;
}

export async function changeByKey(ctx: ApplyContext, key: string): Promise<Change | null> {
  const cachedId = ctx.cache.changeIdsByKey.get(key);
  const cached = cachedId === undefined ? undefined : ctx.cache.changes.get(cachedId);
  if (cached?.key === key) return cached;
  if (ctx.cache.missingKeys.has(key)) return null;
  await flush(ctx);
  const [change] = await ctx.store.syncRows.changesByKeys(ctx.m, [key]);
  if (change) remember(ctx.cache, change);
  else ctx.cache.missingKeys.add(key);
  return change ?? null;
}

export async function saveChange(ctx: ApplyContext, change: Change): Promise<Change> {
  const { cache } = ctx;
  const pending = cache.pendingChanges.get(change.id);
  let saved: Change;
  if (change.version === 0 || pending) {
    if (pending && pending.version !== change.version)
      throw new ConcurrentUpdateError(change.key, change.version);
    // Created in this transaction: inserted by `flush`, with every later edit folded in.
    saved = { ...change, version: change.version + 1, updatedAt: ctx.now };
    cache.pendingChanges.set(saved.id, saved);
  } else {
    saved = await ctx.store.syncRows.saveChange(ctx.m, change, ctx.now);
  }
  remember(cache, saved);
  cache.missingKeys.delete(saved.key);
  if (change.version === 0) cache.linksByChange.set(saved.id, []);
  return saved;
}

export async function putLink(ctx: ApplyContext, link: Link): Promise<void> {
  ctx.cache.pendingLinks.set(`${link.changeId}\u0000${link.recordId}`, link);
  const replace = (map: Map<string, Link[]>, key: string) => {
    const list = map.get(key);
    if (!list) return;
    const i = list.findIndex((l) => l.changeId === link.changeId && l.recordId === link.recordId);
    if (i >= 0) list[i] = link;
    else list.push(link);
  };
  replace(ctx.cache.linksByRecord, link.recordId);
  replace(ctx.cache.linksByChange, link.changeId);
  replace(ctx.cache.linksByExternal, `${link.system}:${link.externalId}`);
}

export async function linksOfExternal(
  ctx: ApplyContext,
  system: string,
  externalId: string,
): Promise<Link[]> {
  const key = `${system}:${externalId}`;
  let links = ctx.cache.linksByExternal.get(key);
  if (!links) {
    await flush(ctx);
    links = await ctx.store.syncRows.linksByExternalIds(ctx.m, system, [externalId]);
    ctx.cache.linksByExternal.set(key, links);
  }
  return links;
}

export async function storedApproval(ctx: ApplyContext, id: string): Promise<Approval | null> {
  if (ctx.cache.approvals.has(id)) return ctx.cache.approvals.get(id) ?? null;
  const [row] = await ctx.store.syncRows.approvals.selectIn(ctx.m, 'id', [id]);
  return row ?? null;
}
