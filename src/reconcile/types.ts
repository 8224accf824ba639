import type { Change, Link, Severity, SystemName } from '../model/index.js';

/**
 * Drift reconciliation (DESIGN §7), pure: what each system says now, read fresh, against
 * the canonical record and against each other. The runner (src/sync/reconcile-run.ts)
 * reads and maps; these types carry the result of that into the comparison.
 */

/** One linked record as its system shows it now, mapped to canonical values. */
export interface FreshRecord {
  recordId: string;
  system: SystemName;
  kind: string;
  key: string | null;
  /** Canonical values the record's mapping produces now (only the fields it maps). */
  values: Record<string, unknown>;
  /** The mapping's mirrored (two-way) fields and who has authority over each. */
  mirrored: readonly { name: string; authority: string | null }[];
  facts: RecordFacts;
}

/** Facts beyond the mapping that drift checks need, read from the raw record. */
export interface RecordFacts {
  /** Jira: the labels. */
  labels?: readonly string[];
  /** Jira: the change number the issue carries (the configured field). */
  changeNumber?: string | null;
  /** Jira: status category `new | indeterminate | done`. */
  statusCategory?: string | null;
  /** Pull/merge request: still open (neither merged nor closed). */
  open?: boolean;
  /** ServiceNow: a Jira issue key the change request refers to (correlation display). */
  jiraKey?: string | null;
}

export interface ChangeView {
  change: Change;
  links: readonly Link[];
  /** recordId → fresh record, or null when the system no longer returns it. Absent: not read. */
  fresh: ReadonlyMap<string, FreshRecord | null>;
  /** The change should have a ServiceNow change request (Jira-only creation is on). */
  expectsChangeRequest: boolean;
  /** Approval state → the Jira label that shows it (none for `not_requested`). */
  approvalLabels: Readonly<Record<string, string | null>>;
}

export type DriftPolicy =
  'drift-field' | 'drift-state' | 'drift-approval' | 'drift-orphan' | 'unauthorised-change';

export const DRIFT_POLICIES: readonly DriftPolicy[] = [
  'drift-field',
  'drift-state',
  'drift-approval',
  'drift-orphan',
  'unauthorised-change',
];

/** How a discrepancy can be put right, where a field or aspect has an authority. */
export type Correction =
  /** The record is right: feed its fresh read through the pipeline (authority rules apply). */
  | { kind: 'reapply'; recordId: string }
  /** The canonical change is right: write the aspect to the record again. */
  | { kind: 'rewrite'; recordId: string; aspect: string };

export interface Discrepancy {
  policy: DriftPolicy;
  /** Change id, or null when no change covers the subject (unauthorised activity). */
  changeId: string | null;
  /** Change key, or the record's key for unauthorised activity. */
  subject: string;
  /** Stable across runs: part of the finding id. */
  discriminator: string;
  severity: Severity;
  message: string;
  evidence: Record<string, unknown>;
  correction: Correction | null;
}

/** A deployment, protected-branch merge or direct push, with the changes it is linked to. */
export interface Activity {
  recordId: string;
  kind: 'deployment' | 'merge' | 'push';
  system: SystemName;
  repo: string;
  /** Environment (deployment) or branch (merge, push). */
  target: string;
  sha: string | null;
  at: Date | null;
  actor: string | null;
  /** Human key, e.g. `acme/payments@1a2b3c4` or `acme/payments#12`. */
  key: string;
  url: string | null;
  changes: readonly Change[];
}
