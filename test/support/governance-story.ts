import type { GitHubSimulator } from '../../connectors/github/simulator/index.js';
import type { GitLabSimulator } from '../../connectors/gitlab/simulator/index.js';
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
 * A moderate-risk normal change in Assess (or approved, Scheduled), whose window runs from
 * an hour ago to three hours ahead, and its Jira issue: no code change yet.
 */
export function seedChangeRequest(
  sims: Pick<GovernanceSims, 'servicenow' | 'jira'>,
  people: StoryPerson[],
  now: Date,
  name: string,
  approval: 'not requested' | 'approved' = 'not requested',
): { number: string; sysId: string; issueKey: string } {
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
  return { number, sysId: row.sys_id!, issueKey: issue.key };
}

const branchOf = (name: string) => `feature/${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

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
  const { number, sysId, issueKey } = seedChangeRequest(sims, people, now, name, approval);
  const requester = person(people, 'requester');
  const engineer = person(people, 'engineer');
  const gh = sims.github.state;
  const pr = gh.openPullRequest(REPO, {
    title: `${number}: ${name}`,
    body: `Implements ${number} (${issueKey}).`,
    head: branchOf(name),
    author: engineer.github.login,
  });
  gh.submitReview(REPO, pr.number, { reviewer: requester.github.login, state: 'APPROVED' });
  return { number, sysId, issueKey, headSha: pr.head.sha, prNumber: pr.number };
}

/** The requester submits it for approval (ServiceNow: Authorize, approval requested). */
export function requestApproval(
  sims: Pick<GovernanceSims, 'servicenow'>,
  people: StoryPerson[],
  change: Pick<GovernanceChange, 'sysId'>,
  now: Date,
): void {
  sims.servicenow.state.update(
    'change_request',
    change.sysId,
    { approval: 'requested', state: '-3' },
    { at: now, user: person(people, 'requester').servicenow.userName },
  );
}

/** The CAB member approves it in ServiceNow (approval row, roll-up, state Scheduled). */
export function approveInServiceNow(
  sims: Pick<GovernanceSims, 'servicenow'>,
  people: StoryPerson[],
  change: Pick<GovernanceChange, 'sysId'>,
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

/** The cast in ServiceNow and Jira only (the GitLab users come with seedGitLabProject). */
export function seedGovernancePeople(
  sims: Pick<GovernanceSims, 'servicenow' | 'jira'>,
  now: Date,
): StoryPerson[] {
  const people = storyPeople();
  seedServiceNowUsers(sims.servicenow.state, people, now);
  seedJiraProjectsAndUsers(sims.jira.state, people);
  return people;
}

/** The GitLab side of the scenario: the same change, implemented in a merge request. */
export interface GitLabGovernanceSims {
  servicenow: ServiceNowSimulator;
  jira: JiraSimulator;
  gitlab: GitLabSimulator;
}

export interface GitLabGovernanceChange {
  number: string;
  sysId: string;
  issueKey: string;
  projectId: number;
  iid: number;
  headSha: string;
}

/**
 * The GitLab project (as REPO, e.g. `acme/payments`) and its users: changebridge's bot
 * (whose token the connection uses) and the engineer who opens merge requests.
 */
export function seedGitLabProject(
  gitlab: GitLabSimulator,
  people: StoryPerson[],
  botToken: string,
): { projectId: number; botId: number; engineerId: number } {
  const s = gitlab.state;
  const engineer = person(people, 'engineer');
  const bot = s.addUser({
    username: 'changebridge-bot',
    name: 'changebridge',
    email: 'bot@example.com',
    token: botToken,
  });
  const dev = s.addUser({
    username: engineer.github.login,
    name: engineer.name,
    email: `${engineer.github.login}@example.com`,
  });
  const project = s.addProject(REPO, { authorId: dev.id });
  return { projectId: project.id, botId: bot.id, engineerId: dev.id };
}

/**
 * A merge request naming the change in its title and its Jira issue in its description,
 * opened by the engineer from its own branch: GitLab sends the Push and Merge Request
 * hooks and asks every external status check of the project about its head commit.
 */
export function seedGitLabMergeRequest(
  gitlab: GitLabSimulator,
  project: { projectId: number; engineerId: number },
  change: { number: string; sysId: string; issueKey: string },
  name: string,
): GitLabGovernanceChange {
  const mr = gitlab.state.openMergeRequest(project.projectId, {
    title: `${change.number}: ${name}`,
    description: `Implements ${change.number} (${change.issueKey}).`,
    sourceBranch: branchOf(name),
    authorId: project.engineerId,
  });
  return { ...change, projectId: project.projectId, iid: mr.iid, headSha: mr.sha };
}

/** The commit status changebridge last set on a GitLab commit (by name), or null. */
export function gitlabStatus(
  gitlab: GitLabSimulator,
  sha: string,
  name = 'changebridge/governance',
): string | null {
  const mine = gitlab.state.statuses.filter((s) => s.sha === sha && s.name === name).at(-1);
  return mine ? mine.status : null;
}

/** Webhook secret the GitHub simulator signs with in governance tests. */
export const GITHUB_WEBHOOK_SECRET = 'github-webhook-secret-for-tests';

/**
 * The `connections.github` block (two-space indented, for `connectionsMore`) of a GitHub
 * App against the simulator: only an App may answer deployment protection rules. Its
 * secrets come from GITHUB_APP_KEY and GITHUB_WEBHOOK (see `githubAppEnv`).
 */
export function githubAppConnection(apiUrl: string, appId: number, installationId: number): string {
  return `  github:
    apiUrl: ${apiUrl}
    auth:
      type: app
      appId: ${appId}
      privateKey: \${GITHUB_APP_KEY}
      installationId: ${installationId}
    webhook:
      secrets: ['\${GITHUB_WEBHOOK}']
    repositories: [${REPO}]
    overlapSeconds: 5`;
}

export function githubAppEnv(privateKey: string): Record<string, string> {
  return { GITHUB_APP_KEY: privateKey, GITHUB_WEBHOOK: GITHUB_WEBHOOK_SECRET };
}
