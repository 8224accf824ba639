import type { Approval } from '../model/index.js';
import type { ReportMetrics } from './model.js';

/**
 * The report's metrics (docs/reports.md, "Metrics"): pure functions over per-change facts
 * the collector gathers. Every change counted is one the report lists (active in the
 * period, in scope). Hours are rounded to 0.01, rates to 0.0001; "none" is null, never 0.
 */
export interface ChangeFacts {
  type: string;
  /** The change's approval state: not_requested | requested | approved | rejected. */
  approval: string;
  state: string;
  closeCode: string | null;
  /** When the change was first recorded (its `change.created` audit event), if known. */
  createdAt: Date | null;
  /** When its approval was first requested (see `approvalTimes`), if known. */
  approvalRequestedAt: Date | null;
  /** When it became approved (see `approvalTimes`), if it did. */
  approvedAt: Date | null;
  /** At least one successful production deployment linked to it in the period. */
  deployed: boolean;
  /** An incident names it as cause, or it has a `change-related-incident` finding. */
  causedIncident: boolean;
}

const HOUR_MS = 3_600_000;

/**
 * Approval request and approval instants of one change from its approval records.
 *
 * - approvedAt: the latest `decidedAt` of its `approved` records — the approval that
 *   completed the set. Null when no approved record carries a decision time.
 * - requestedAt: the earliest evidence that any of its approval records existed: each
 *   record's first appearance in the audit log (`approval.recorded`, from `firstSeen`),
 *   its `decidedAt`, or — for a record still waiting — its `updatedAt`. Taking the
 *   earliest keeps backfilled records (first seen after they were decided) honest.
 */
export function approvalTimes(
  approvals: readonly Pick<Approval, 'id' | 'decision' | 'decidedAt' | 'updatedAt'>[],
  firstSeen: ReadonlyMap<string, Date> = new Map(),
): { requestedAt: Date | null; approvedAt: Date | null } {
  let requestedAt: number | null = null;
  let approvedAt: number | null = null;
  for (const a of approvals) {
    const stamps = [
      firstSeen.get(a.id),
      a.decidedAt ?? (a.decision === 'requested' ? a.updatedAt : null),
    ];
    for (const s of stamps) {
      if (s && (requestedAt === null || s.getTime() < requestedAt)) requestedAt = s.getTime();
    }
    if (a.decision === 'approved' && a.decidedAt) {
      approvedAt = Math.max(approvedAt ?? 0, a.decidedAt.getTime());
    }
  }
  return {
    requestedAt: requestedAt === null ? null : new Date(requestedAt),
    approvedAt: approvedAt === null ? null : new Date(approvedAt),
  };
}

/** Mean of (end − start) in hours over pairs where both exist; negatives count as 0. */
function meanHours(pairs: readonly [Date | null, Date | null][]): number | null {
  const spans = pairs
    .filter((p): p is [Date, Date] => p[0] !== null && p[1] !== null)
    .map(([start, end]) => Math.max(0, end.getTime() - start.getTime()) / HOUR_MS);
  if (spans.length === 0) return null;
  return round(spans.reduce((a, b) => a + b, 0) / spans.length, 2);
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : round(numerator / denominator, 4);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Approved changes: approvedAt − approvalRequestedAt, mean, in hours. */
export function meanTimeToApproveHours(facts: readonly ChangeFacts[]): number | null {
  return meanHours(
    facts
      .filter((f) => f.approval === 'approved')
      .map((f) => [f.approvalRequestedAt, f.approvedAt]),
  );
}

/** Per change type (every type present as a key): approvedAt − createdAt, mean, in hours. */
export function approvalCycleHoursByType(
  facts: readonly ChangeFacts[],
): Record<string, number | null> {
  const out: Record<string, number | null> = { standard: null, normal: null, emergency: null };
  const types = new Set([...Object.keys(out), ...facts.map((f) => f.type)]);
  for (const type of types) {
    out[type] = meanHours(
      facts
        .filter((f) => f.type === type && f.approval === 'approved')
        .map((f) => [f.createdAt, f.approvedAt]),
    );
  }
  return out;
}

/** Closed changes with close code successful or successful_issues / all closed changes. */
export function changeSuccessRate(facts: readonly ChangeFacts[]): number | null {
  const closed = facts.filter((f) => f.state === 'closed');
  const ok = closed.filter(
    (f) => f.closeCode === 'successful' || f.closeCode === 'successful_issues',
  );
  return ratio(ok.length, closed.length);
}

/** Deployed changes that caused an incident / deployed changes. */
export function changeFailureRate(facts: readonly ChangeFacts[]): number | null {
  const deployed = facts.filter((f) => f.deployed);
  return ratio(deployed.filter((f) => f.causedIncident).length, deployed.length);
}

/** Changes whose approval state is rejected / changes approved or rejected. */
export function rejectionRate(facts: readonly ChangeFacts[]): number | null {
  const decided = facts.filter((f) => f.approval === 'approved' || f.approval === 'rejected');
  return ratio(decided.filter((f) => f.approval === 'rejected').length, decided.length);
}

export function computeMetrics(facts: readonly ChangeFacts[]): ReportMetrics {
  return {
    meanTimeToApproveHours: meanTimeToApproveHours(facts),
    approvalCycleHoursByType: approvalCycleHoursByType(facts),
    changeSuccessRate: changeSuccessRate(facts),
    changeFailureRate: changeFailureRate(facts),
    emergencyChanges: facts.filter((f) => f.type === 'emergency').length,
    rejectionRate: rejectionRate(facts),
  };
}
