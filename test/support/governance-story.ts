import type { GitHubSimulator } from '../../connectors/github/simulator/index.js';
import type { JiraSimulator } from '../../connectors/jira/simulator.js';
import type { ServiceNowSimulator } from '../../connectors/servicenow/simulator.js';
import { formatSnTime } from '../../connectors/servicenow/time.js';
import { approveChange } from '../../src/demo/story-act-two.js';
import {
  person,
  shift,
  storyPeople,
  storySysId,
  STORY_JIRA_CHANGE_FIELD,
} from '../../src/demo/story-cast.js';
import { seedJiraProjectsAndUsers } from '../../src/demo/story-jira.js';
import { seedServiceNowUsers } from '../../src/demo/story-servicenow.js';
import type { StoryPerson } from '../../src/demo/story-types.js';

/**
 * The governance scenario (issue: "an unapproved change's PR gets a failing status and its
 * deployment gate is rejected; after approval in ServiceNow the status turns green and the
 * gate approves; a deployment during a freeze is rejected; the Jira issue shows each
 * step"), seeded through the simulators' own state so every step fires the webhooks and
 * poll results the real systems would.
 */
export const REPO = 'acme/payments';

export interface GovernanceSims {
  servicenow: ServiceNowSimulator;
  jira: JiraSimulator;
  github: GitHubSimulator;
}

export interface GovernanceChange {
  number: string;
  sysId: string;
  issueKey: string;
  headSha: string;
  prNumber: number;
}

export function governancePeople(sims: GovernanceSims, now: Date): StoryPerson[] {
  const people = storyPeople();
  seedServiceNowUsers(sims.servicenow.state, people, now);
  seedJiraProjectsAndUsers(sims.jira.state, people);
  if (!sims.github.state.repos.has(REPO)) sims.github.state.createRepo(REPO);
  return people;
}

/**
 * A moderate-risk normal change in Assess, not yet submitted for approval, whose window
 * runs from an hour ago to three hours ahead; its Jira issue; and a reviewed pull request
 * naming it (author: the engineer; reviewer: the requester).
 */
export function seedUnapprovedChange(
  sims: GovernanceSims,
  people: StoryPerson[],
  now: Date,
  name: string,
  approval: 'not requested' | 'approved' = 'not requested',
): GovernanceChange {
  const requester = person(people, 'requester');
  const engineer = person(people, 'engineer');
  const sn = sims.servicenow.state;
  const row = sn.insert(
    'change_request',
    {
      short_description: `Roll out ${name}`,
      description: `Deploy ${name} to production with the blue/green pipeline.`,
      type: 'normal',
      state: approval === 'approved' ? '-2' : '-4',
      approval,
      risk: '3',
      impact: '2',
      requested_by: requester.servicenow.sysId,
      assigned_to: engineer.servicenow.sysId,
      opened_by: requester.servicenow.sysId,
      start_date: formatSnTime(shift(now, 0, -1)),
      end_date: formatSnTime(shift(now, 0, 3)),
      justification: `Customers need ${name}.`,
      implementation_plan: 'Blue/green deploy through the pipeline.',
      backout_plan: 'Switch traffic back to blue.',
      test_plan: 'Smoke tests and synthetic checkout every minute.',
      risk_impact_analysis: 'Checkout degraded for at most a minute.',
    },
    {
      sysId: storySysId(`governance:${name}`),
      at: shift(now, 0, 0, -30),
      user: requester.servicenow.userName,
    },
  );
  const number = row.number!;
  const issue = sims.jira.state.createIssue(
    {
      project: 'OPS',
      issueType: 'Change',
      summary: `Roll out ${name}`,
      labels: ['change'],
      assignee: engineer.jira.accountId,
      customFields: { [STORY_JIRA_CHANGE_FIELD]: number },
    },
    engineer.jira.accountId,
  );
  const gh = sims.github.state;
  const pr = gh.openPullRequest(REPO, {
    title: `${number}: ${name}`,
    body: `Implements ${number} (${issue.key}).`,
    head: `feature/${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    author: engineer.github.login,
  });
  gh.submitReview(REPO, pr.number, { reviewer: requester.github.login, state: 'APPROVED' });
  return {
    number,
    sysId: row.sys_id!,
    issueKey: issue.key,
    headSha: pr.head.sha,
    prNumber: pr.number,
  };
}

/** The CAB member approves it in ServiceNow (approval row, roll-up, state Scheduled). */
export function approveInServiceNow(
  sims: GovernanceSims,
  people: StoryPerson[],
  change: GovernanceChange,
  now: Date,
): void {
  approveChange(sims.servicenow.state, change.sysId, person(people, 'approver'), now);
}

/** The governance status changebridge last set on a commit, or null. */
export function governanceStatus(sims: GovernanceSims, sha: string): string | null {
  const statuses = sims.github.state.commitStatuses.get(`${REPO}@${sha}`) ?? [];
  const mine = statuses.find((s) => s.context === 'changebridge/governance');
  return mine ? mine.state : null;
}
