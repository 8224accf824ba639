import type { FindingStatus, Severity } from './enums.js';

export interface Waiver {
  by: string;
  reason: string;
  until: Date | null;
}

/** A policy or reconciliation result (DESIGN §3, §6). */
export interface Finding {
  /** Deterministic: the same rule on the same subject always yields the same id. */
  id: string;
  /** Change id, or null for orphans (then `subject` names the record). */
  changeId: string | null;
  subject: string;
  /** Stable rule id, e.g. `approval-required`. */
  policy: string;
  severity: Severity;
  blocking: boolean;
  status: FindingStatus;
  /** One sentence a Jira user understands. */
  message: string;
  evidence: Record<string, unknown>;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  waiver: Waiver | null;
}

/** Deterministic finding id from rule and subject (plus an optional discriminator). */
export function findingId(policy: string, subject: string, discriminator = ''): string {
  return discriminator ? `${policy}|${subject}|${discriminator}` : `${policy}|${subject}`;
}

export function isWaived(finding: Finding, at: Date): boolean {
  return (
    finding.waiver !== null &&
    (finding.waiver.until === null || finding.waiver.until.getTime() > at.getTime())
  );
}
