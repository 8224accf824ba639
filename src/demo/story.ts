import { approveChange, approveJiraOnlyChange, editEmergencyChange } from './story-act-two.js';
import { person, STORY_JIRA_CHANGE_FIELD, storyPeople, storySysId } from './story-cast.js';
import { seedGitHubStory } from './story-github.js';
import {
  editSummary,
  seedJiraOnlyIssue,
  seedJiraProjectsAndUsers,
  seedLinkedIssue,
} from './story-jira.js';
import { seedServiceNowChanges, seedServiceNowUsers } from './story-servicenow.js';
import type {
  ActTwoFacts,
  StoryChange,
  StoryChangeRole,
  StoryFacts,
  StorySims,
} from './story-types.js';

/**
 * The story `changebridge demo` tells. Act one seeds running simulators with people, four
 * change requests in different stages, the Jira issues of two teams (one that links
 * changes by number, one that works only in Jira) and a GitHub repository with a linked
 * and an unlinked production deployment. Act two is what people do next: the CAB approves,
 * someone edits on each side. Writes go through the simulators' in-process state, exactly
 * as their HTTP routes do, so stamps move and webhooks / business rules fire.
 *
 * Deterministic: on fresh simulators the same `now` gives the same facts (sys_ids,
 * numbers, keys, ids, shas).
 */

export { STORY_JIRA_CHANGE_FIELD } from './story-cast.js';
export type * from './story-types.js';

const ISSUE_DETAIL: Record<Exclude<StoryChangeRole, 'closedScaleOut'>, string> = {
  postgresUpgrade:
    'Major upgrade of payments-db from PostgreSQL 13 to 16 in tomorrow night’s window.',
  tlsRotation: 'Renewed *.acme.example certificates go onto edge-lb-01..04.',
  checkoutRollback: 'Roll checkout-web back to 4.2.0 while 4.2.1 is fixed.',
};

/** Act one. Throws when the story is already in this ServiceNow simulator. */
export function seedStory(sims: StorySims, now: Date): StoryFacts {
  const sn = sims.servicenow.state;
  if (sn.get('change_request', storySysId('change_request:postgres-16'))) {
    throw new Error(
      '[changebridge/demo] the story is already seeded in this ServiceNow simulator; start fresh simulators to seed it again',
    );
  }
  const people = storyPeople();
  seedServiceNowUsers(sn, people, now);
  const seeded = seedServiceNowChanges(sn, people, now);

  const jira = sims.jira.state;
  seedJiraProjectsAndUsers(jira, people);
  const linkedIssues = [
    seedLinkedIssue(jira, people, seeded.postgresUpgrade, ISSUE_DETAIL.postgresUpgrade, 'new'),
    seedLinkedIssue(jira, people, seeded.tlsRotation, ISSUE_DETAIL.tlsRotation, 'new'),
    seedLinkedIssue(
      jira,
      people,
      seeded.checkoutRollback,
      ISSUE_DETAIL.checkoutRollback,
      'indeterminate',
    ),
  ];
  const jiraOnlyIssue = seedJiraOnlyIssue(jira, people, now);

  const keyOf = (number: string): string | null =>
    linkedIssues.find((i) => i.changeNumber === number)?.key ?? null;
  const changes = Object.fromEntries(
    Object.entries(seeded).map(([role, c]) => [role, { ...c, jiraIssueKey: keyOf(c.number) }]),
  ) as Record<StoryChangeRole, StoryChange>;

  const pg = changes.postgresUpgrade;
  const github = sims.github
    ? seedGitHubStory(sims.github, people, pg.number, pg.jiraIssueKey ?? jiraOnlyIssue.key)
    : null;

  return {
    seededFor: now.toISOString(),
    people,
    changes,
    linkedIssues,
    jiraOnlyIssue,
    jiraChangeField: STORY_JIRA_CHANGE_FIELD,
    github,
  };
}

/** Act two: approvals and edits on both sides, stamped `now` where the simulator allows. */
export function actTwo(sims: StorySims, facts: StoryFacts, now: Date): ActTwoFacts {
  const sn = sims.servicenow.state;
  const approver = person(facts.people, 'approver');
  const engineer = person(facts.people, 'engineer');

  // (a) The CAB member approves the database upgrade.
  const pg = facts.changes.postgresUpgrade;
  const approvalSysId = approveChange(sn, pg.sysId, approver, now);

  // (b) In Jira, the engineer retitles the TLS issue; ServiceNow owns titles.
  const tls = facts.changes.tlsRotation;
  const tlsKey = tls.jiraIssueKey ?? facts.linkedIssues[1]!.key;
  const to = 'Rotate TLS certificates on edge load balancers (eu-west-1, us-east-1)';
  const from = editSummary(sims.jira.state, tlsKey, to, engineer.jira.accountId);

  // (c) In ServiceNow, the engineer rewrites the emergency change's description.
  const rb = facts.changes.checkoutRollback;
  const fields = editEmergencyChange(sn, rb.sysId, engineer, now);

  // (d) Whatever changebridge created for the Jira-only issue gets approved, if it exists.
  const jiraOnlyChange = approveJiraOnlyChange(sn, facts, now);

  return {
    actedAt: now.toISOString(),
    approved: {
      number: pg.number,
      sysId: pg.sysId,
      approvalSysId,
      approver: approver.servicenow.userName,
    },
    jiraSummaryEdit: {
      issueKey: tlsKey,
      changeNumber: tls.number,
      from,
      to,
      by: engineer.jira.accountId,
    },
    servicenowEdit: {
      number: rb.number,
      sysId: rb.sysId,
      fields,
      by: engineer.servicenow.userName,
    },
    jiraOnlyChange,
  };
}

/** A few lines for the demo printout. */
export function describeStory(facts: StoryFacts): string[] {
  const c = facts.changes;
  const window = (x: StoryChange): string =>
    x.plannedStart ? `${x.plannedStart}–${x.plannedEnd.slice(11)} UTC` : 'unplanned';
  const issue = (x: StoryChange): string => (x.jiraIssueKey ? ` ↔ Jira ${x.jiraIssueKey}` : '');
  const approver = person(facts.people, 'approver').name;
  const lines = [
    `People (same e-mail everywhere): ${facts.people.map((p) => `${p.name} <${p.email}>`).join(', ')}`,
    `${c.postgresUpgrade.number} "${c.postgresUpgrade.title}": normal, awaiting CAB approval by ${approver}, window ${window(c.postgresUpgrade)}${issue(c.postgresUpgrade)}`,
    `${c.tlsRotation.number} "${c.tlsRotation.title}": standard, approved and scheduled ${window(c.tlsRotation)}${issue(c.tlsRotation)}`,
    `${c.checkoutRollback.number} "${c.checkoutRollback.title}": emergency, approved, being implemented now${issue(c.checkoutRollback)}`,
    `${c.closedScaleOut.number} "${c.closedScaleOut.title}": closed successful last week`,
    `Jira ${facts.jiraOnlyIssue.key} "${facts.jiraOnlyIssue.summary}": the payments team works only in Jira; changebridge should open a change request for it`,
  ];
  const gh = facts.github;
  if (gh) {
    lines.push(
      `GitHub ${gh.repo}#${gh.pullRequest.number} "${gh.pullRequest.title}": merged, deployed to production as deployment ${gh.linkedDeployment.id} (sha ${gh.linkedDeployment.sha.slice(0, 7)}) before its change was approved`,
      `GitHub deployment ${gh.unlinkedDeployment.id}: a hotfix pushed straight to main (sha ${gh.unlinkedDeployment.sha.slice(0, 7)}) and deployed to production with no change at all`,
    );
  }
  return lines;
}
