import { canonicalJson, findingId, isWaived, type Change, type Finding } from '../model/index.js';
import type { PolicyContext, RuleSet } from './types.js';

/**
 * The policy engine (DESIGN §6): runs a tenant's rule set over one change and diffs the
 * result against the findings already stored. Pure: data and a clock in, data out.
 */

/** Every finding the enabled rules raise for the change now, status `open`. */
export function evaluate(
  set: RuleSet,
  change: Change,
  context: PolicyContext,
  now: Date,
): Finding[] {
  const out: Finding[] = [];
  for (const configured of set.rules) {
    if (!configured.enabled) continue;
    const { rule } = configured;
    for (const raised of rule.check(change, context, configured.params, now)) {
      out.push({
        id: findingId(rule.id, change.id, raised.discriminator ?? ''),
        changeId: change.id,
        subject: change.key,
        policy: rule.id,
        severity: raised.severity ?? configured.severity,
        blocking: raised.blocking ?? configured.blocking,
        status: 'open',
        message: raised.message,
        evidence: {
          ...raised.evidence,
          ruleVersion: rule.version,
          ruleSet: `${set.name}@${set.version}`,
        },
        firstSeenAt: now,
        lastSeenAt: now,
        resolvedAt: null,
        waiver: null,
      });
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

export type FindingTransition = 'opened' | 'reopened' | 'resolved' | 'waiver_expired';

export interface FindingDiff {
  /** Rows to write: new, changed and resolved findings. Unchanged rows are left out. */
  upserts: Finding[];
  transitions: { finding: Finding; transition: FindingTransition }[];
  /** True when the open (unwaived) set a person sees changed: write-backs follow. */
  openSetChanged: boolean;
}

/**
 * New → open, gone → resolved, still there → refreshed; a waived finding stays waived
 * until its waiver expires, then re-opens. `stored` holds the change's findings of the
 * policies in `managed` (the catalogue's ids): other producers' findings (sync conflicts,
 * drift) are never resolved here.
 */
export function diffFindings(
  stored: readonly Finding[],
  fresh: readonly Finding[],
  managed: ReadonlySet<string>,
  now: Date,
): FindingDiff {
  const byId = new Map(stored.filter((f) => managed.has(f.policy)).map((f) => [f.id, f]));
  const upserts: Finding[] = [];
  const transitions: FindingDiff['transitions'] = [];
  let openSetChanged = false;
  for (const f of fresh) {
    const prev = byId.get(f.id);
    byId.delete(f.id);
    if (!prev || prev.status === 'resolved') {
      const next: Finding = prev
        ? { ...f, firstSeenAt: prev.firstSeenAt, waiver: null }
        : { ...f, waiver: null };
      upserts.push(next);
      transitions.push({ finding: next, transition: prev ? 'reopened' : 'opened' });
      openSetChanged = true;
      continue;
    }
    const waived = prev.status === 'waived' && isWaived(prev, now);
    const next: Finding = {
      ...f,
      firstSeenAt: prev.firstSeenAt,
      status: waived ? 'waived' : 'open',
      waiver: waived ? prev.waiver : prev.status === 'waived' ? prev.waiver : null,
    };
    if (prev.status === 'waived' && !waived) {
      transitions.push({ finding: next, transition: 'waiver_expired' });
      openSetChanged = true;
    } else if (
      prev.message !== next.message ||
      prev.blocking !== next.blocking ||
      prev.severity !== next.severity
    ) {
      openSetChanged ||= !waived;
    } else if (sameEvidence(prev, next)) {
      continue; // nothing to write: lastSeenAt moves only when something else does
    }
    upserts.push(next);
  }
  for (const prev of byId.values()) {
    if (prev.status === 'resolved') continue;
    const next: Finding = { ...prev, status: 'resolved', resolvedAt: now, lastSeenAt: now };
    upserts.push(next);
    transitions.push({ finding: next, transition: 'resolved' });
    openSetChanged ||= prev.status === 'open';
  }
  return { upserts, transitions, openSetChanged };
}

function sameEvidence(a: Finding, b: Finding): boolean {
  return canonicalJson(a.evidence) === canonicalJson(b.evidence);
}

/** The findings a person must act on: open, or waived with an expired waiver. */
export function activeFindings(findings: readonly Finding[], now: Date): Finding[] {
  return findings.filter(
    (f) => f.status === 'open' || (f.status === 'waived' && !isWaived(f, now)),
  );
}
