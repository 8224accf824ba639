import { approvalAuthority } from './rules/approval-authority.js';
import { approvalExpiry } from './rules/approval-expiry.js';
import { approvalRequired } from './rules/approval-required.js';
import { changeRelatedIncident } from './rules/change-related-incident.js';
import { closureEvidence } from './rules/closure-evidence.js';
import { emergencyReview } from './rules/emergency-review.js';
import { freezeWindow } from './rules/freeze-window.js';
import { incidentConflict } from './rules/incident-conflict.js';
import { linkedChange } from './rules/linked-change.js';
import { requiredFields } from './rules/required-fields.js';
import { riskUnderestimated } from './rules/risk-underestimated.js';
import { separationOfDuties } from './rules/separation-of-duties.js';
import { staleApproval } from './rules/stale-approval.js';
import type { Rule } from './types.js';

/** The rule catalogue (DESIGN §6). Ids are stable: they appear in findings and reports. */
export const CATALOGUE: readonly Rule<unknown>[] = [
  requiredFields,
  approvalRequired,
  approvalAuthority,
  separationOfDuties,
  approvalExpiry,
  freezeWindow,
  emergencyReview,
  linkedChange,
  incidentConflict,
  changeRelatedIncident,
  riskUnderestimated,
  staleApproval,
  closureEvidence,
] as unknown as readonly Rule<unknown>[];

export const RULE_IDS: readonly string[] = CATALOGUE.map((r) => r.id);

/** Policies whose findings the engine owns (opens and resolves). */
export const MANAGED_POLICIES: ReadonlySet<string> = new Set(RULE_IDS);

export function ruleById(id: string): Rule<unknown> | undefined {
  return CATALOGUE.find((r) => r.id === id);
}
