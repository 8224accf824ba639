import type { Change, Link } from '../model/index.js';
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
}

export function emptyCache(): TxCache {
  return { linksByRecord: new Map(), linksByChange: new Map(), changes: new Map() };
}

/** One round of IN queries for a batch: links of its records, their changes and links. */
export async function prefetch(ctx: ApplyContext, recordIds: readonly string[]): Promise<void> {
  const { cache, m } = ctx;
  const rows = ctx.store.syncRows;
  const wanted = recordIds.filter((id) => !cache.linksByRecord.has(id));
  if (wanted.length === 0) return;
  for (const id of wanted) cache.linksByRecord.set(id, []);
  const links = await rows.linksByRecords(m, wanted);
  for (const l of links) cache.linksByRecord.get(l.recordId)?.push(l);
  const changeIds = [...new Set(links.map((l) => l.changeId))].filter(
    (id) => !cache.changes.has(id),
  );
  if (changeIds.length === 0) return;
  for (const c of await rows.changesByIds(m, changeIds)) cache.changes.set(c.id, c);
  for (const id of changeIds) cache.linksByChange.set(id, []);
  for (const l of await rows.linksByChanges(m, changeIds))
    cache.linksByChange.get(l.changeId)?.push(l);
}

export async function linksOfRecord(ctx: ApplyContext, recordId: string): Promise<Link[]> {
  if (!ctx.cache.linksByRecord.has(recordId)) await prefetch(ctx, [recordId]);
  return ctx.cache.linksByRecord.get(recordId) ?? [];
}

export async function linksOfChange(ctx: ApplyContext, changeId: string): Promise<Link[]> {
  let links = ctx.cache.linksByChange.get(changeId);
  if (!links) {
    links = await ctx.store.syncRows.linksByChanges(ctx.m, [changeId]);
    ctx.cache.linksByChange.set(changeId, links);
  }
  return links;
}

export async function changeById(ctx: ApplyContext, id: string): Promise<Change | null> {
  let change = ctx.cache.changes.get(id);
  if (!change) {
    [change] = await ctx.store.syncRows.changesByIds(ctx.m, [id]);
    if (change) ctx.cache.changes.set(id, change);
  }
  return change ?? null;
}

export async function changeByKey(ctx: ApplyContext, key: string): Promise<Change | null> {
  for (const c of ctx.cache.changes.values()) if (c.key === key) return c;
  const [change] = await ctx.store.syncRows.changesByKeys(ctx.m, [key]);
  if (change) ctx.cache.changes.set(change.id, change);
  return change ?? null;
}

export async function saveChange(ctx: ApplyContext, change: Change): Promise<Change> {
  const saved = await ctx.store.syncRows.saveChange(ctx.m, change, ctx.now);
  ctx.cache.changes.set(saved.id, saved);
  if (change.version === 0) ctx.cache.linksByChange.set(saved.id, []);
  return saved;
}

export async function putLink(ctx: ApplyContext, link: Link): Promise<void> {
  await ctx.store.syncRows.upsertLink(ctx.m, link);
  const replace = (map: Map<string, Link[]>, key: string) => {
    const list = map.get(key);
    if (!list) return;
    const i = list.findIndex((l) => l.changeId === link.changeId && l.recordId === link.recordId);
    if (i >= 0) list[i] = link;
    else list.push(link);
  };
  replace(ctx.cache.linksByRecord, link.recordId);
  replace(ctx.cache.linksByChange, link.changeId);
}
