import type { ApprovalState, Change, Link } from '../model/index.js';
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

const ALL_LABELS = Object.values(APPROVAL_LABELS).filter((l): l is string => l !== null);

export function jiraApprovalCommands(
  change: Change,
  link: Link,
  settings: JiraWriteBack,
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
  const label = APPROVAL_LABELS[change.approval];
  if (settings.labels && (label !== null || written.labels !== undefined)) {
    push('labels', digest(`labels:${change.approval}`), 'jira.labels', {
      add: label ? [label] : [],
      remove: ALL_LABELS.filter((l) => l !== label),
    });
  }
  if (settings.property && (change.approval !== 'not_requested' || written.property)) {
    const value = {
      change: change.key,
      title: change.title,
      state: change.state,
      approval: change.approval,
      plannedStart: change.plannedStart?.toISOString() ?? null,
      plannedEnd: change.plannedEnd?.toISOString() ?? null,
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
