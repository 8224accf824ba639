import type { ApprovalState, Change, Finding, Link } from '../model/index.js';
import { commandKey, digest, envelope, type PlannedCommand } from './plan-keys.js';

/**
 * What a Jira issue shows about its change's approval in ServiceNow (DESIGN §8): labels,
 * the `changebridge` issue property, a comment when the change is approved or rejected,
 * and optionally a transition. Each is its own aspect of the link, written once per state.
 */

export interface JiraWriteBack {
  labels: boolean;
  property: boolean;
  comments: boolean;
  transitions: { approved: string | null; rejected: string | null };
}

export const APPROVAL_LABELS: Readonly<Record<ApprovalState, string | null>> = {
  not_requested: null,
  requested: 'change-requested',
  approved: 'change-approved',
  rejected: 'change-rejected',
};

/** Shown while a blocking finding is open (DESIGN §8). */
export const BLOCKED_LABEL = 'change-blocked';

const ALL_LABELS = [
  ...Object.values(APPROVAL_LABELS).filter((l): l is string => l !== null),
  BLOCKED_LABEL,
];

/** The issue property holds at most this many findings (Jira caps a property at 32 KB). */
const MAX_PROPERTY_FINDINGS = 50;

export function jiraApprovalCommands(
  change: Change,
  link: Link,
  settings: JiraWriteBack,
  findings: readonly Finding[] = [],
): PlannedCommand[] {
  const written = link.syncState?.written ?? {};
  const issue = link.externalKey ?? link.externalId;
  const out: PlannedCommand[] = [];
  const push = (aspect: string, hash: string, operation: string, payload: object) => {
    if (written[aspect] === hash) return;
    out.push({
      idempotencyKey: commandKey(link, aspect, hash),
      changeId: change.id,
      targetSystem: 'jira',
      connection: link.connection,
      operation,
      target: issue,
      payload: { ...envelope(link, aspect, hash), ...payload },
      supersedes: `${link.recordId}|${aspect}|`,
    });
  };
  const blocked = findings.some((f) => f.blocking);
  const labels = [APPROVAL_LABELS[change.approval], blocked ? BLOCKED_LABEL : null].filter(
    (l): l is string => l !== null,
  );
  if (settings.labels && (labels.length > 0 || written.labels !== undefined)) {
    // The hash of approval alone while nothing blocks keeps earlier keys stable.
    push('labels', digest(`labels:${change.approval}${blocked ? ':blocked' : ''}`), 'jira.labels', {
      add: labels,
      remove: ALL_LABELS.filter((l) => !labels.includes(l)),
    });
  }
  const announce = change.approval !== 'not_requested' || findings.length > 0;
  if (settings.property && (announce || written.property)) {
    const value = {
      change: change.key,
      title: change.title,
      state: change.state,
      approval: change.approval,
      plannedStart: change.plannedStart?.toISOString() ?? null,
      plannedEnd: change.plannedEnd?.toISOString() ?? null,
      blocked,
      findings: findings.slice(0, MAX_PROPERTY_FINDINGS).map((f) => ({
        id: f.id,
        policy: f.policy,
        severity: f.severity,
        blocking: f.blocking,
        status: f.status,
        message: f.message,
        firstSeenAt: f.firstSeenAt.toISOString(),
      })),
    };
    push('property', digest(JSON.stringify(value)), 'jira.property', {
      key: 'changebridge',
      value,
    });
  }
  if (change.approval === 'approved' || change.approval === 'rejected') {
    const decided = change.approval;
    if (settings.comments) {
      push('comment', digest(`comment:${decided}`), 'jira.comment', {
        text: approvalSentence(change, decided),
      });
    }
    const status = settings.transitions[decided];
    if (status) {
      push('transition', digest(`transition:${decided}`), 'jira.transition', { status });
    }
  }
  return out;
}

function approvalSentence(change: Change, decided: 'approved' | 'rejected'): string {
  if (decided === 'rejected')
    return `Change ${change.key} was rejected in ServiceNow. Do not start the work; see the change request for the reason.`;
  const window =
    change.plannedStart && change.plannedEnd
      ? ` It may be implemented between ${fmt(change.plannedStart)} and ${fmt(change.plannedEnd)} (UTC).`
      : '';
  return `Change ${change.key} was approved in ServiceNow.${window}`;
}

function fmt(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ');
}
