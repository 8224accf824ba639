/**
 * Canonical enumerations (DESIGN §3). Each is a readonly tuple so that the same list drives
 * the TypeScript union, runtime guards, database CHECK-free validation and schema builders.
 */

function guard<T extends string>(values: readonly T[]): (value: unknown) => value is T {
  const set = new Set<string>(values);
  return (value: unknown): value is T => typeof value === 'string' && set.has(value);
}

export const SYSTEMS = ['servicenow', 'jira', 'github', 'gitlab'] as const;
export type SystemName = (typeof SYSTEMS)[number];
export const isSystemName = guard(SYSTEMS);

export const CHANGE_TYPES = ['standard', 'normal', 'emergency'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];
export const isChangeType = guard(CHANGE_TYPES);

export const RISKS = ['low', 'moderate', 'high', 'very_high'] as const;
export type Risk = (typeof RISKS)[number];
export const isRisk = guard(RISKS);

export const IMPACTS = ['low', 'medium', 'high'] as const;
export type Impact = (typeof IMPACTS)[number];
export const isImpact = guard(IMPACTS);

/** Ordered as a change moves through its life cycle (ServiceNow -5 … 4). */
export const CHANGE_STATES = [
  'new',
  'assess',
  'authorize',
  'scheduled',
  'implement',
  'review',
  'closed',
  'canceled',
] as const;
export type ChangeState = (typeof CHANGE_STATES)[number];
export const isChangeState = guard(CHANGE_STATES);

export const APPROVAL_STATES = ['not_requested', 'requested', 'approved', 'rejected'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];
export const isApprovalState = guard(APPROVAL_STATES);

export const CLOSE_CODES = ['successful', 'successful_issues', 'unsuccessful'] as const;
export type CloseCode = (typeof CLOSE_CODES)[number];
export const isCloseCode = guard(CLOSE_CODES);

export const APPROVAL_DECISIONS = ['requested', 'approved', 'rejected', 'cancelled'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];
export const isApprovalDecision = guard(APPROVAL_DECISIONS);

export const DEPLOYMENT_STATUSES = [
  'pending',
  'in_progress',
  'success',
  'failure',
  'canceled',
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];
export const isDeploymentStatus = guard(DEPLOYMENT_STATUSES);

export const LINK_KINDS = [
  'change_request',
  'issue',
  'pull_request',
  'merge_request',
  'deployment',
  'incident',
  /** A direct push to a protected branch (no pull request). */
  'push',
] as const;
export type LinkKind = (typeof LINK_KINDS)[number];
export const isLinkKind = guard(LINK_KINDS);

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const isSeverity = guard(SEVERITIES);

export const FINDING_STATUSES = ['open', 'resolved', 'waived'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
export const isFindingStatus = guard(FINDING_STATUSES);

export const REVIEW_VERDICTS = ['approved', 'changes_requested', 'commented', 'dismissed'] as const;
export type ReviewVerdict = (typeof REVIEW_VERDICTS)[number];
export const isReviewVerdict = guard(REVIEW_VERDICTS);

export const CODE_HOSTS = ['github', 'gitlab'] as const;
export type CodeHost = (typeof CODE_HOSTS)[number];
export const isCodeHost = guard(CODE_HOSTS);

/** Index of a value in its ordered tuple, e.g. to compare risks (`low` < `very_high`). */
export function rank<T extends string>(values: readonly T[], value: T): number {
  return values.indexOf(value);
}
