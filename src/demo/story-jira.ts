import type { SimIssue, SimState } from '../../connectors/jira/simulator-state.js';
import {
  adf,
  jiraDateTime,
  person,
  STORY_JIRA_CHANGE_FIELD,
  STORY_JIRA_END_FIELD,
  STORY_JIRA_JUSTIFICATION_FIELD,
  STORY_JIRA_START_FIELD,
  atUtc,
  shift,
} from './story-cast.js';
import type { StoryChange, StoryIssue, StoryPerson } from './story-types.js';

/**
 * The Jira side of the story: projects OPS and PAY with a Change issue type, the same
 * people (matched to ServiceNow by e-mail), OPS issues carrying a change number and one
 * PAY issue that has none. Issues are created and moved with SimState.createIssue /
 * updateIssue, as the simulator's REST routes do, so `updated` moves, the changelog grows
 * and webhooks fire. Jira stamps come from the simulator's own clock: its state has no
 * "as of" option, so unlike ServiceNow the issues cannot be back-dated.
 */

const PROJECTS = [
  { key: 'OPS', name: 'Operations' },
  { key: 'PAY', name: 'Payments' },
];

export function seedJiraProjectsAndUsers(state: SimState, people: StoryPerson[]): void {
  for (const p of PROJECTS) {
    const existing = state.projects.get(p.key);
    if (!existing) state.addProject({ key: p.key, name: p.name, issueTypes: ['Change', 'Task'] });
    // A project that exists without the Change type gets it, as an admin would add it.
    else if (!existing.issueTypes.includes('Change')) existing.issueTypes.push('Change');
  }
  for (const p of people) {
    if (state.users.has(p.jira.accountId)) continue;
    state.addUser({
      accountId: p.jira.accountId,
      displayName: p.name,
      emailAddress: p.email,
      timeZone: p.role === 'payments' ? 'Europe/Madrid' : 'UTC',
    });
  }
}

/** One OPS Change issue per change, with the change number in STORY_JIRA_CHANGE_FIELD. */
export function seedLinkedIssue(
  state: SimState,
  people: StoryPerson[],
  change: Omit<StoryChange, 'jiraIssueKey'>,
  detail: string,
  status: 'new' | 'indeterminate',
): StoryIssue {
  const engineer = person(people, 'engineer');
  const issue = state.createIssue(
    {
      project: 'OPS',
      issueType: 'Change',
      summary: change.title,
      description: adf(detail, `Change request: ${change.number}`),
      labels: ['change', 'ops'],
      assignee: engineer.jira.accountId,
      customFields: {
        [STORY_JIRA_CHANGE_FIELD]: change.number,
        [STORY_JIRA_START_FIELD]: change.plannedStart ? snToJira(change.plannedStart) : null,
        [STORY_JIRA_END_FIELD]: change.plannedEnd ? snToJira(change.plannedEnd) : null,
      },
    },
    engineer.jira.accountId,
  );
  if (status === 'indeterminate') moveTo(state, issue, 'indeterminate', engineer.jira.accountId);
  return issueFact(issue);
}

/** The Jira-only payments team's change: no change request exists for it yet. */
export function seedJiraOnlyIssue(state: SimState, people: StoryPerson[], now: Date): StoryIssue {
  const dev = person(people, 'payments');
  const start = atUtc(now, 3, 20);
  const issue = state.createIssue(
    {
      project: 'PAY',
      issueType: 'Change',
      summary: 'Enable 3-D Secure v2 for card payments',
      description: adf(
        'Switch the card payment flow from 3DS1 to EMV 3-D Secure 2.2 through the acquirer SDK.',
        'Frictionless flow for low-risk transactions; challenge flow falls back to the bank app.',
      ),
      labels: ['change', 'psd2'],
      assignee: dev.jira.accountId,
      customFields: {
        [STORY_JIRA_CHANGE_FIELD]: null,
        [STORY_JIRA_JUSTIFICATION_FIELD]: adf(
          'Card schemes retire 3DS1; PSD2 strong customer authentication requires 3DS2.',
        ),
        [STORY_JIRA_START_FIELD]: jiraDateTime(start),
        [STORY_JIRA_END_FIELD]: jiraDateTime(shift(start, 0, 2)),
      },
    },
    dev.jira.accountId,
  );
  return issueFact(issue);
}

/** A person retitles an issue, as PUT /rest/api/3/issue/{key} with `fields.summary` does. */
export function editSummary(state: SimState, key: string, summary: string, by: string): string {
  const issue = state.find(key);
  if (!issue)
    throw new Error(`[changebridge/demo] Jira issue ${key} is gone; seed the story first`);
  const from = issue.summary;
  state.updateIssue(
    issue,
    [
      {
        field: 'summary',
        fieldtype: 'jira',
        fieldId: 'summary',
        from: null,
        fromString: from,
        to: null,
        toString: summary,
      },
    ],
    () => (issue.summary = summary),
    by,
  );
  return from;
}

/** A workflow transition, as POST /rest/api/3/issue/{key}/transitions records it. */
function moveTo(state: SimState, issue: SimIssue, category: 'indeterminate', by: string): void {
  const project = state.projects.get(issue.project)!;
  const to = project.statuses.find((s) => s.category === category);
  if (!to) return;
  const from = state.statusOf(issue);
  state.updateIssue(
    issue,
    [
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: from.id,
        fromString: from.name,
        to: to.id,
        toString: to.name,
      },
    ],
    () => (issue.status = to.id),
    by,
  );
}

function issueFact(issue: SimIssue): StoryIssue {
  const value = issue.customFields[STORY_JIRA_CHANGE_FIELD];
  return {
    key: issue.key,
    id: issue.id,
    project: issue.project,
    summary: issue.summary,
    changeNumber: typeof value === 'string' && value !== '' ? value : null,
  };
}

/** `2026-03-02 22:00:00` (ServiceNow, UTC) → `2026-03-02T22:00:00.000+0000` (Jira). */
function snToJira(value: string): string {
  return `${value.replace(' ', 'T')}.000+0000`;
}
