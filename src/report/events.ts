import {
  isProductionEnvironment,
  withinPlannedWindow,
  type Change,
  type CodeChange,
  type Deployment,
  type Finding,
  type Link,
} from '../model/index.js';
import { isProtectedBranch } from '../policy/branches.js';
import type { ReportApproval, ReportEvent, ReportFinding, ReportUnauthorised } from './model.js';

/**
 * Production deployments and protected-branch merges of the period, and whether each was
 * authorised: linked to a change that is approved (or a standard change, pre-approved)
 * whose planned window contains the event — the `linked-change` rule's test with its
 * default parameters (no grace). Pure.
 */
export interface ReportOrg {
  productionEnvironments: readonly string[];
  protectedBranches: readonly string[];
}

export interface EventSources {
  org: ReportOrg;
  from: Date;
  to: Date;
  /** Only events linked to a change of this tenant; null: every event, linked or not. */
  tenant: string | null;
  linksByRecord: ReadonlyMap<string, readonly Link[]>;
  changesById: ReadonlyMap<string, Change>;
  approvalsOf(changeId: string): ReportApproval[];
  findingsOf(recordId: string, changeId: string | null): ReportFinding[];
  personName(id: string): string;
  /** The URL of the change's own record (its change request), if known. */
  changeUrl(changeId: string): string | null;
}

/**
 * When a deployment happened: `startedAt`, else `finishedAt`, else (not canceled) when we
 * learned of it (`updatedAt`). A canceled deployment that never started did not happen.
 */
export function deploymentTime(d: Deployment): Date | null {
  if (d.startedAt) return d.startedAt;
  if (d.status === 'canceled') return null;
  return d.finishedAt ?? d.updatedAt;
}

export function isAuthorisedBy(change: Change, at: Date): boolean {
  const approved = change.approval === 'approved' || change.type === 'standard';
  return approved && withinPlannedWindow(change, at);
}

function why(change: Change | null, at: Date): string {
  if (!change) return 'not linked to any change';
  const approved = change.approval === 'approved' || change.type === 'standard';
  const parts: string[] = [];
  if (!approved) parts.push(`${change.key} is not approved (approval: ${change.approval})`);
  if (!change.plannedStart || !change.plannedEnd) parts.push(`${change.key} has no planned window`);
  else if (!withinPlannedWindow(change, at))
    parts.push(`outside the planned window of ${change.key}`);
  return parts.join('; ');
}

interface Candidate {
  kind: 'deployment' | 'merge';
  recordId: string;
  system: string;
  repo: string;
  target: string;
  sha: string | null;
  at: Date;
  actor: string | null;
  fallbackKey: string;
}

function candidates(
  deployments: readonly Deployment[],
  codeChanges: readonly CodeChange[],
  s: EventSources,
): Candidate[] {
  const inPeriod = (at: Date | null): at is Date =>
    at !== null && at.getTime() >= s.from.getTime() && at.getTime() <= s.to.getTime();
  const out: Candidate[] = [];
  for (const d of deployments) {
    const at = deploymentTime(d);
    if (!inPeriod(at)) continue;
    if (!isProductionEnvironment(d.environment, s.org.productionEnvironments)) continue;
    out.push({
      kind: 'deployment',
      recordId: d.id,
      system: d.system,
      repo: d.repo,
      target: d.environment,
      sha: d.sha,
      at,
      actor: d.actor,
      fallbackKey: `${d.repo}@${d.sha.slice(0, 12)} → ${d.environment}`,
    });
  }
  for (const cc of codeChanges) {
    if (!inPeriod(cc.mergedAt)) continue;
    if (!isProtectedBranch(cc.targetBranch, s.org.protectedBranches)) continue;
    out.push({
      kind: 'merge',
      recordId: cc.id,
      system: cc.system,
      repo: cc.repo,
      target: cc.targetBranch,
      sha: cc.mergeSha ?? cc.headSha,
      at: cc.mergedAt,
      actor: cc.mergedBy,
      fallbackKey: `${cc.repo}${cc.system === 'gitlab' ? '!' : '#'}${cc.number}`,
    });
  }
  return out;
}

export function buildEvents(
  deployments: readonly Deployment[],
  codeChanges: readonly CodeChange[],
  s: EventSources,
): { events: ReportEvent[]; unauthorised: ReportUnauthorised[]; unauthorisedIds: Set<string> } {
  const events: ReportEvent[] = [];
  const unauthorised: ReportUnauthorised[] = [];
  const unauthorisedIds = new Set<string>();
  for (const c of candidates(deployments, codeChanges, s)) {
    const links = s.linksByRecord.get(c.recordId) ?? [];
    const linked = links
      .map((l) => s.changesById.get(l.changeId))
      .filter((x): x is Change => x !== undefined)
      .sort((a, b) => a.key.localeCompare(b.key));
    if (s.tenant !== null && !linked.some((ch) => ch.tenant === s.tenant)) continue;
    const covering = linked.find((ch) => isAuthorisedBy(ch, c.at)) ?? null;
    const change = covering ?? linked[0] ?? null;
    const link = links.find((l) => l.externalKey) ?? links[0];
    const ref = {
      system: c.system,
      key: link?.externalKey ?? c.fallbackKey,
      url: links.find((l) => l.url)?.url ?? null,
    };
    const changeUrl = change ? s.changeUrl(change.id) : null;
    const actor = c.actor === null ? null : s.personName(c.actor);
    events.push({
      kind: c.kind,
      system: c.system,
      repo: c.repo,
      target: c.target,
      sha: c.sha,
      at: c.at.toISOString(),
      actor,
      ref,
      change: change ? { key: change.key, title: change.title, url: changeUrl } : null,
      approvals: change ? s.approvalsOf(change.id) : [],
      findings: s.findingsOf(c.recordId, change?.id ?? null),
      authorised: covering !== null,
    });
    if (!covering) {
      unauthorisedIds.add(c.recordId);
      unauthorised.push({
        kind: c.kind,
        ref,
        repo: c.repo,
        target: c.target,
        sha: c.sha,
        at: c.at.toISOString(),
        actor,
        reason: why(change, c.at),
      });
    }
  }
  const order = (a: { at: string | null; ref: { key: string } }, b: typeof a) =>
    (a.at ?? '').localeCompare(b.at ?? '') || a.ref.key.localeCompare(b.ref.key);
  return { events: events.sort(order), unauthorised: unauthorised.sort(order), unauthorisedIds };
}

/** An open `unauthorised-change` finding (the reconciler's) as an unauthorised entry. */
export function unauthorisedFromFinding(f: Finding): ReportUnauthorised {
  const e = f.evidence;
  const str = (...keys: string[]): string | null => {
    for (const k of keys) if (typeof e[k] === 'string' && e[k] !== '') return e[k] as string;
    return null;
  };
  const event = str('event', 'kind');
  const kind: ReportUnauthorised['kind'] =
    event === 'deployment' || event === 'merge' || event === 'push'
      ? event
      : str('environment')
        ? 'deployment'
        : str('targetBranch')
          ? 'merge'
          : 'push';
  return {
    kind,
    ref: {
      system: str('system') ?? f.subject.split(':')[0] ?? 'unknown',
      key: str('key', 'ref', 'externalKey') ?? f.subject,
      url: str('url'),
    },
    repo: str('repo') ?? '',
    target: str('environment', 'targetBranch', 'branch', 'target') ?? '',
    sha: str('sha', 'mergeSha', 'after'),
    at: str('at', 'eventAt', 'mergedAt', 'pushedAt') ?? f.firstSeenAt.toISOString(),
    actor: str('actor', 'pusher', 'mergedBy'),
    reason: f.message,
  };
}
