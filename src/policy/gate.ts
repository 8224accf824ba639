import {
  isTerminal,
  isWaived,
  withinPlannedWindow,
  type Change,
  type Finding,
} from '../model/index.js';

/**
 * The deployment gate's decision (DESIGN §6, §8), pure: allow only when an approved change
 * covers the environment and the time and no blocking finding is open; pending while the
 * change waits for its approval and nothing else is wrong; deny otherwise. Several changes
 * may cover one commit: any one allowing is enough.
 */
export type GateDecision = 'allow' | 'deny' | 'pending';

export interface GateVerdict {
  decision: GateDecision;
  /** Key of the change the decision rests on (the allowing one, else the first). */
  change: string | null;
  /** Plain sentences; empty only for allow. */
  reasons: string[];
}

export interface GateCandidate {
  change: Change;
  /** The change's findings, including those raised for the deployment being asked about. */
  findings: readonly Finding[];
}

/** Policies that only say "not approved yet": while approval is requested they mean wait. */
const AWAITING_APPROVAL = new Set(['approval-required', 'linked-change']);

export function decideGate(
  query: { sha: string; environment: string },
  candidates: readonly GateCandidate[],
  now: Date,
): GateVerdict {
  if (candidates.length === 0) {
    return {
      decision: 'deny',
      change: null,
      reasons: [
        `No change is linked to commit ${query.sha.slice(0, 12)}: name an approved change (e.g. CHG0030001) in the pull request or the deployment.`,
      ],
    };
  }
  const verdicts = candidates.map((c) => decideOne(c, query.environment, now));
  const pick =
    verdicts.find((v) => v.decision === 'allow') ??
    verdicts.find((v) => v.decision === 'pending') ??
    verdicts[0]!;
  if (pick.decision === 'allow') return pick;
  const reasons = [...new Set(verdicts.flatMap((v) => v.reasons))];
  return { ...pick, reasons };
}

function decideOne(c: GateCandidate, environment: string, now: Date): GateVerdict {
  const { change } = c;
  const blocking = c.findings.filter(
    (f) => f.blocking && (f.status === 'open' || (f.status === 'waived' && !isWaived(f, now))),
  );
  const approved = change.approval === 'approved' || change.type === 'standard';
  const waiting = change.approval === 'requested' && !approved;
  const reasons: string[] = [];
  if (change.approval === 'rejected') reasons.push(`Change ${change.key} was rejected.`);
  else if (change.approval === 'not_requested' && !approved)
    reasons.push(`Change ${change.key} has not been submitted for approval.`);
  if (isTerminal(change.state))
    reasons.push(`Change ${change.key} is ${change.state}; nothing more may be deployed under it.`);
  if (change.environment && !sameName(change.environment, environment))
    reasons.push(
      `Change ${change.key} covers the ${change.environment} environment, not ${environment}.`,
    );
  if (approved && !withinPlannedWindow(change, now)) reasons.push(windowReason(change));
  for (const f of blocking) {
    if (waiting && AWAITING_APPROVAL.has(f.policy)) continue;
    reasons.push(f.message);
  }
  const unique = [...new Set(reasons)];
  if (unique.length > 0) return { decision: 'deny', change: change.key, reasons: unique };
  if (!approved)
    return {
      decision: 'pending',
      change: change.key,
      reasons: [`Change ${change.key} is waiting for approval.`],
    };
  return { decision: 'allow', change: change.key, reasons: [] };
}

function windowReason(change: Change): string {
  if (!change.plannedStart || !change.plannedEnd)
    return `Change ${change.key} has no planned window; set its planned start and end.`;
  return `Change ${change.key} may be implemented only between ${fmt(change.plannedStart)} and ${fmt(change.plannedEnd)} UTC.`;
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function fmt(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ');
}
