import { eventSource, pollDeliveryKey, type SourceEvent } from '../../src/model/index.js';
import type { JiraIssue } from './schemas.js';
import { parseJiraTimestamp } from './time-zone.js';

/** SourceEvents for Jira issues, built the same way for polls, re-reads and webhooks. */

export function polledIssueEvent(
  connection: string,
  issue: JiraIssue,
  event: string,
  receivedAt: Date,
): SourceEvent {
  return {
    system: 'jira',
    connection,
    source: eventSource('jira', connection),
    // Same issue at the same `updated` instant = same delivery: overlap re-reads collapse.
    // Normalised to UTC so a change of the account's time zone does not re-deliver.
    deliveryKey: pollDeliveryKey('issue', issue.id, updatedStamp(issue.fields.updated)),
    kind: 'issue',
    event,
    externalId: issue.key,
    receivedAt,
    thin: false,
    payload: issue,
  };
}

/** `2026-03-02T10:00:00.000+0100` → `2026-03-02T09:00:00.000Z`; unreadable values stay as sent. */
export function updatedStamp(updated: string): string {
  return parseJiraTimestamp(updated)?.toISOString() ?? updated;
}
