/**
 * What an auditor's report holds (issue: reports for auditors; DESIGN §7). Plain JSON:
 * dates are ISO 8601 strings, so the JSON format is this object as is and the HTML and
 * CSV renderings are pure functions of it.
 */
export interface ReportData {
  /** Format version of this structure. */
  version: 1;
  generatedAt: string;
  period: { from: string; to: string };
  /** Null: every tenant. */
  tenant: string | null;
  /** The audit hash chain's head when the report was generated. */
  auditHead: { seq: number; hash: string };
  totals: ReportTotals;
  metrics: ReportMetrics;
  /** Every change active in the period (planned, approved, implemented or closed in it). */
  changes: ReportChange[];
  /** Every production deployment and protected-branch merge in the period. */
  events: ReportEvent[];
  /** Deployments, merges and pushes with no approved change covering them. */
  unauthorised: ReportUnauthorised[];
  /** Drift findings (policy `drift-*`) seen in the period and what became of them. */
  drift: ReportFinding[];
  /** Findings waived, with who, why and until when. */
  waivers: ReportWaiver[];
  emergencies: ReportEmergency[];
  /** Reconciliation runs that finished in the period. */
  reconciliations: ReportReconciliation[];
}

export interface ReportTotals {
  changes: number;
  byType: Record<'standard' | 'normal' | 'emergency', number>;
  /** successful | successful_issues | unsuccessful | canceled | open (not closed yet). */
  byOutcome: Record<string, number>;
  deployments: number;
  merges: number;
  unauthorised: number;
  openFindings: number;
  blockingFindings: number;
}

export interface ReportMetrics {
  /** Mean hours from approval requested (first approval record) to approved; null if none. */
  meanTimeToApproveHours: number | null;
  /** Mean hours from the change's first record to its approval, per change type. */
  approvalCycleHoursByType: Record<string, number | null>;
  /** Closed successful (incl. with issues) / closed (excl. canceled); null if none closed. */
  changeSuccessRate: number | null;
  /** Changes with a change-related incident / changes deployed; null if none deployed. */
  changeFailureRate: number | null;
  emergencyChanges: number;
  /** Rejected / decided (approved + rejected); null if none decided. */
  rejectionRate: number | null;
}

/** A link back to a record in its own system. */
export interface ReportRef {
  system: string;
  key: string;
  url: string | null;
}

export interface ReportApproval {
  approver: string;
  decision: string;
  decidedAt: string | null;
  system: string;
}

export interface ReportFinding {
  id: string;
  change: string | null;
  policy: string;
  severity: string;
  blocking: boolean;
  status: string;
  message: string;
  firstSeenAt: string;
  resolvedAt: string | null;
  /** How it was resolved, in words (corrective write, source fixed, waived …). */
  resolution: string | null;
}

export interface ReportChange {
  key: string;
  title: string;
  type: string;
  risk: string | null;
  state: string;
  approval: string;
  outcome: string;
  plannedStart: string | null;
  plannedEnd: string | null;
  closedAt: string | null;
  records: ReportRef[];
  approvals: ReportApproval[];
  findings: ReportFinding[];
}

export interface ReportEvent {
  kind: 'deployment' | 'merge';
  system: string;
  repo: string;
  /** Deployment: environment; merge: target branch. */
  target: string;
  sha: string | null;
  at: string | null;
  actor: string | null;
  ref: ReportRef;
  /** The change it ran under, or null. */
  change: { key: string; title: string; url: string | null } | null;
  approvals: ReportApproval[];
  findings: ReportFinding[];
  authorised: boolean;
}

export interface ReportUnauthorised {
  kind: 'deployment' | 'merge' | 'push';
  ref: ReportRef;
  repo: string;
  target: string;
  sha: string | null;
  at: string | null;
  actor: string | null;
  reason: string;
}

export interface ReportWaiver {
  finding: string;
  change: string | null;
  policy: string;
  by: string;
  reason: string;
  until: string | null;
}

export interface ReportEmergency {
  key: string;
  title: string;
  implementedAt: string | null;
  closedAt: string | null;
  reviewDueAt: string | null;
  reviewOnTime: boolean | null;
  findings: ReportFinding[];
}

export interface ReportReconciliation {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  scope: string;
  checked: number;
  opened: number;
  resolved: number;
}

/** The integrity block every rendering carries (see integrity.ts). */
export interface ReportIntegrity {
  auditHead: { seq: number; hash: string };
  /** SHA-256 of the file's bytes with this value replaced by 64 zeros. */
  sha256: string;
}
