import type { ApprovalDecision, SystemName } from './enums.js';

export interface Approval {
  /** Deterministic source id of the approval record (e.g. a `sysapproval_approver` row). */
  id: string;
  changeId: string;
  /** Person id. */
  approver: string;
  decision: ApprovalDecision;
  /** The source's own value, e.g. ServiceNow `"not_required"`. */
  originalDecision: string | null;
  decidedAt: Date | null;
  source: SystemName;
  /** Time-bound approvals lapse after this instant. */
  validUntil: Date | null;
  /** Person id of whoever delegated the approval, if it was delegated. */
  delegatedFrom: string | null;
  sourceEventIds: string[];
  updatedAt: Date;
}

/** An approval that counts at `at`: approved and not past its validity. */
export function isEffectiveApproval(approval: Approval, at: Date): boolean {
  if (approval.decision !== 'approved') return false;
  return approval.validUntil === null || at.getTime() <= approval.validUntil.getTime();
}
