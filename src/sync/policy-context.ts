import { In, IsNull, MoreThanOrEqual, type EntityManager } from 'typeorm';
import type { Change, CodeChange, Deployment, Incident, Link } from '../model/index.js';
import type { ChangeSummary, OrgFacts, PolicyContext } from '../policy/index.js';
import { IncidentEntity, type Store } from '../store/index.js';
import type { IdentityDirectory } from './identity-directory.js';

/**
 * Reads what the rules look at (DESIGN §6) for a batch of changes, in the caller's
 * transaction: their approvals, pull requests, deployments, incidents, the people they
 * name and the tenant's recent history. Incidents and history are read once per batch.
 */
export interface ContextSources {
  store: Store;
  m: EntityManager;
  now: Date;
  org: OrgFacts;
  identities: IdentityDirectory;
  /** Shared across transactions: a tenant's history is re-read at most once a minute. */
  historyCache?: HistoryCache;
}

/** Tenant → its recent change summaries and when they were read. */
export type HistoryCache = Map<
  string,
  { readAt: number; rows: Omit<ChangeSummary, 'causedIncident'>[] }
>;

/**
 * History only feeds counts and risk scores (emergencies per month, past failures), where
 * a minute's staleness changes nothing that matters; reading 2,000 rows per transaction
 * would cost every batch the processor applies.
 */
const HISTORY_TTL_MS = 60_000;

/** How far back incidents and other changes matter (emergency counts, past failures). */
const LOOKBACK_MS = 120 * 86_400_000;
const MAX_HISTORY = 2000;
const MAX_INCIDENTS = 1000;

export interface LoadedContext {
  /** The change with its people folded to canonical person ids. */
  change: Change;
  context: PolicyContext;
}

export async function loadContexts(
  src: ContextSources,
  changes: readonly Change[],
  linksOf: (changeId: string) => readonly Link[],
  extraDeployments: (change: Change) => readonly Deployment[] = () => [],
): Promise<Map<string, LoadedContext>> {
  const { store, m } = src;
  const out = new Map<string, LoadedContext>();
  if (changes.length === 0) return out;
  const ids = changes.map((c) => c.id);
  const since = new Date(src.now.getTime() - LOOKBACK_MS);
  const ccIds = new Set<string>();
  const depIds = new Set<string>();
  for (const c of changes)
    for (const l of linksOf(c.id)) {
      if (l.kind === 'pull_request' || l.kind === 'merge_request') ccIds.add(l.recordId);
      if (l.kind === 'deployment') depIds.add(l.recordId);
    }
  const [approvals, codeChanges, deployments, incidents, history] = await Promise.all([
    store.approvals.find({ changeId: In(ids) }, m),
    ccIds.size ? store.codeChanges.find({ id: In([...ccIds]) }, m) : Promise.resolve([]),
    depIds.size ? store.deployments.find({ id: In([...depIds]) }, m) : Promise.resolve([]),
    recentIncidents(m, since),
    tenantHistory(src, [...new Set(changes.map((c) => c.tenant))], since),
  ]);
  const causedBy = new Set(incidents.map((i) => i.causedBy).filter((k): k is string => !!k));

  const personIds = new Set<string>();
  const note = (id: string | null | undefined) => id && personIds.add(id);
  for (const c of changes) {
    note(c.requestedBy);
    note(c.assignedTo);
  }
  for (const a of approvals) {
    note(a.approver);
    note(a.delegatedFrom);
  }
  for (const cc of codeChanges) {
    note(cc.author);
    note(cc.mergedBy);
    for (const r of cc.reviewers) note(r.reviewer);
  }
  for (const d of deployments) note(d.actor);
  const people = await store.people.findByIds([...personIds], m);
  const canon = src.identities.canonicaliser(people);

  for (const change of changes) {
    const links = linksOf(change.id);
    const linked = new Set(links.map((l) => l.recordId));
    const mine = (r: { id: string }) => linked.has(r.id);
    const summaries = (history.get(change.tenant) ?? [])
      .filter((h) => h.id !== change.id)
      .map((h) => ({ ...h, causedIncident: causedBy.has(h.key) }));
    const context: PolicyContext = {
      links,
      approvals: approvals
        .filter((a) => a.changeId === change.id)
        .map((a) => ({
          ...a,
          approver: canon.id(a.approver)!,
          delegatedFrom: canon.id(a.delegatedFrom),
        })),
      codeChanges: codeChanges.filter(mine).map((cc) => canonCodeChange(cc, canon.id)),
      deployments: [...deployments.filter(mine), ...extraDeployments(change)].map((d) => ({
        ...d,
        actor: canon.id(d.actor),
      })),
      incidents: incidents.filter((i) => relevantIncident(i, change)),
      people: canon.people,
      history: summaries,
      org: src.org,
    };
    out.set(change.id, {
      change: {
        ...change,
        requestedBy: canon.id(change.requestedBy),
        assignedTo: canon.id(change.assignedTo),
      },
      context,
    });
  }
  return out;
}

function canonCodeChange(cc: CodeChange, id: (p: string | null) => string | null): CodeChange {
  return {
    ...cc,
    author: id(cc.author),
    mergedBy: id(cc.mergedBy),
    reviewers: cc.reviewers.map((r) => ({ ...r, reviewer: id(r.reviewer)! })),
  };
}

function relevantIncident(i: Incident, change: Change): boolean {
  if (i.causedBy === change.key) return true;
  if (i.priority <= 2) return true;
  return i.services.some((s) => change.services.includes(s));
}

async function recentIncidents(m: EntityManager, since: Date): Promise<Incident[]> {
  // Newest first and bounded in SQL: a busy instance's 120 days of incidents stay out of
  // every transaction's memory.
  const repo = m.getRepository(IncidentEntity);
  const newest = { order: { openedAt: 'DESC' as const }, take: MAX_INCIDENTS };
  const [open, recent] = await Promise.all([
    repo.find({ where: { resolvedAt: IsNull() }, ...newest }),
    repo.find({ where: { openedAt: MoreThanOrEqual(since) }, ...newest }),
  ]);
  const byId = new Map<string, Incident>();
  for (const i of [...open, ...recent]) byId.set(i.id, i);
  return [...byId.values()]
    .sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime())
    .slice(0, MAX_INCIDENTS);
}

async function tenantHistory(
  src: ContextSources,
  tenants: string[],
  since: Date,
): Promise<Map<string, Omit<ChangeSummary, 'causedIncident'>[]>> {
  const out = new Map<string, Omit<ChangeSummary, 'causedIncident'>[]>();
  const now = src.now.getTime();
  for (const tenant of tenants) {
    const cached = src.historyCache?.get(tenant);
    if (cached && now - cached.readAt < HISTORY_TTL_MS && now >= cached.readAt) {
      out.set(tenant, cached.rows);
      continue;
    }
    const rows = await src.store.changes.recentSummaries(tenant, since, MAX_HISTORY, src.m);
    src.historyCache?.set(tenant, { readAt: now, rows });
    out.set(tenant, rows);
  }
  return out;
}
