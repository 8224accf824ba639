import type { GitHubSimulator } from '../../connectors/github/simulator/index.js';
import type { JiraSimulator } from '../../connectors/jira/simulator.js';
import type { ServiceNowSimulator } from '../../connectors/servicenow/simulator.js';

/**
 * The shapes the demo story hands back: what act one seeded and what act two changed, so
 * `changebridge demo` can print a summary and later check that the systems converged.
 * Everything here is plain JSON (strings and numbers), so two runs can be compared.
 */

/** Already-running simulators; the story writes through their in-process state. */
export interface StorySims {
  servicenow: ServiceNowSimulator;
  jira: JiraSimulator;
  github?: GitHubSimulator;
}

export type StoryRole = 'requester' | 'approver' | 'engineer' | 'payments';

/** One human, known under the same e-mail in every system. */
export interface StoryPerson {
  role: StoryRole;
  name: string;
  email: string;
  servicenow: { sysId: string; userName: string };
  jira: { accountId: string };
  github: { login: string };
}

export type StoryChangeRole =
  'postgresUpgrade' | 'tlsRotation' | 'checkoutRollback' | 'closedScaleOut';

export interface StoryChange {
  role: StoryChangeRole;
  /** As the simulator numbered it: CHG0030001… on a simulator with no change requests yet. */
  number: string;
  sysId: string;
  title: string;
  /** Raw Table API values at the end of act one. */
  type: string;
  state: string;
  approval: string;
  /** `YYYY-MM-DD HH:mm:ss` UTC, '' when not planned. */
  plannedStart: string;
  plannedEnd: string;
  /** sysapproval_approver rows of this change. */
  approvalSysIds: string[];
  /** The Jira issue that carries this change number, if any. */
  jiraIssueKey: string | null;
}

export interface StoryIssue {
  key: string;
  id: string;
  project: string;
  summary: string;
  /** Value of STORY_JIRA_CHANGE_FIELD; null for the Jira-only team's issue. */
  changeNumber: string | null;
}

export interface StoryGitHub {
  repo: string;
  pullRequest: {
    number: number;
    title: string;
    headRef: string;
    headSha: string;
    mergeSha: string;
  };
  /** Production deployment of the PR's merge sha: links CHG0030001 through the sha. */
  linkedDeployment: { id: number; sha: string; environment: string };
  /** Production deployment of a direct push to main: links no change at all. */
  unlinkedDeployment: { id: number; sha: string; environment: string };
}

export interface StoryFacts {
  /** The `now` act one was seeded for (ISO). */
  seededFor: string;
  people: StoryPerson[];
  changes: Record<StoryChangeRole, StoryChange>;
  /** The three OPS issues linked to a change, in creation order. */
  linkedIssues: StoryIssue[];
  /** The PAY issue with no change request: changebridge is expected to create one. */
  jiraOnlyIssue: StoryIssue;
  /** Jira custom field holding the change number. */
  jiraChangeField: string;
  github: StoryGitHub | null;
}

/** What act two found for the Jira-only issue's change request. */
export type JiraOnlyApproval =
  | {
      outcome: 'approved';
      number: string;
      sysId: string;
      correlationId: string;
      approvalSysId: string;
    }
  | { outcome: 'absent'; reason: string }
  | { outcome: 'refused'; number: string; sysId: string; reason: string };

export interface ActTwoFacts {
  /** The `now` act two ran for (ISO). */
  actedAt: string;
  /** (a) CHG0030001 approved in ServiceNow by the CAB member. */
  approved: { number: string; sysId: string; approvalSysId: string; approver: string };
  /** (b) A Jira user retitled the issue linked to the TLS change (ServiceNow owns titles). */
  jiraSummaryEdit: { issueKey: string; changeNumber: string; from: string; to: string; by: string };
  /** (c) A ServiceNow user rewrote the emergency change's description and justification. */
  servicenowEdit: { number: string; sysId: string; fields: string[]; by: string };
  /** (d) The change request changebridge created for the Jira-only issue, if any. */
  jiraOnlyChange: JiraOnlyApproval;
}
