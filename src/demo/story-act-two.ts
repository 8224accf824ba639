import type { Row, SimState } from '../../connectors/servicenow/simulator-state.js';
import { SimWriteError } from '../../connectors/servicenow/simulator-state.js';
import { formatSnTime } from '../../connectors/servicenow/time.js';
import { person, storySysId } from './story-cast.js';
import type { JiraOnlyApproval, StoryFacts, StoryPerson } from './story-types.js';

/**
 * Act two on the ServiceNow side: the CAB member approves, a ServiceNow user edits a change,
 * and the change changebridge created for the Jira-only issue gets approved. All writes go
 * through SimState.update/insert without `silent`, so business rules fire as for a person.
 */

/**
 * Approves a change the way the approval engine does: the approver's sysapproval_approver
 * row first, then the change's approval roll-up and its move to Scheduled.
 */
export function approveChange(
  state: SimState,
  changeSysId: string,
  approver: StoryPerson,
  now: Date,
): string {
  const by = { at: now, user: approver.servicenow.userName };
  const mine = state
    .query('sysapproval_approver', `sysapproval=${changeSysId}^ORDERBYorder`)
    .filter((r) => r.approver === approver.servicenow.sysId);
  const pending = mine.find((r) => r.state === 'requested');
  // Approving twice (act two run again) must not write a second approval row.
  const done = mine.find((r) => r.state === 'approved');
  let approvalSysId: string;
  if (pending) {
    approvalSysId = state.update(
      'sysapproval_approver',
      pending.sys_id!,
      { state: 'approved' },
      by,
    ).sys_id!;
  } else if (done) {
    if (state.get('change_request', changeSysId)?.approval === 'approved') return done.sys_id!;
    approvalSysId = done.sys_id!;
  } else {
    approvalSysId = state.insert(
      'sysapproval_approver',
      {
        approver: approver.servicenow.sysId,
        state: 'approved',
        sysapproval: changeSysId,
        document_id: changeSysId,
        source_table: 'change_request',
        order: '1',
      },
      {
        ...by,
        sysId: storySysId(`sysapproval_approver:${changeSysId}:${approver.servicenow.userName}`),
      },
    ).sys_id!;
  }
  state.update(
    'change_request',
    changeSysId,
    {
      approval: 'approved',
      state: '-2',
      approval_set: formatSnTime(now),
      // The approval engine journals decisions in approval_history, not in work notes.
      approval_history: `Approved by ${approver.name}`,
    },
    by,
  );
  return approvalSysId;
}

/** (c) The engineer sharpens the emergency change's description and justification. */
export function editEmergencyChange(
  state: SimState,
  sysId: string,
  editor: StoryPerson,
  now: Date,
): string[] {
  const values = {
    description:
      'Checkout 4.2.1 sends a malformed 3DS method URL, so issuers in the EU decline card authorisations; roll back to 4.2.0 until 4.2.2 ships the fix.',
    justification:
      'About 6% of EU card authorisations failing since 4.2.1 went live; revenue impact roughly EUR 40k per hour.',
  };
  state.update('change_request', sysId, values, { at: now, user: editor.servicenow.userName });
  return Object.keys(values);
}

/**
 * (d) The change request changebridge created for the Jira-only issue: a change_request
 * with a non-empty correlation_id that is not one of the story's own. One naming the
 * issue (key or id) wins over any other.
 */
export function approveJiraOnlyChange(
  state: SimState,
  facts: StoryFacts,
  now: Date,
): JiraOnlyApproval {
  const seeded = new Set(Object.values(facts.changes).map((c) => c.sysId));
  const issue = facts.jiraOnlyIssue;
  const candidates = state
    .query('change_request', 'correlation_idISNOTEMPTY^ORDERBYsys_created_on^ORDERBYsys_id')
    .filter((r) => !seeded.has(r.sys_id!));
  const names = (r: Row): boolean =>
    [r.correlation_id, r.correlation_display].some((v) =>
      new RegExp(`(^|[^A-Za-z0-9-])(${issue.key}|${issue.id})($|[^A-Za-z0-9-])`, 'i').test(v ?? ''),
    );
  const row = candidates.find(names) ?? candidates[0];
  if (!row) {
    return {
      outcome: 'absent',
      reason: `no change request with a correlation_id exists yet for ${issue.key}`,
    };
  }
  try {
    const approvalSysId = approveChange(state, row.sys_id!, person(facts.people, 'approver'), now);
    return {
      outcome: 'approved',
      number: row.number!,
      sysId: row.sys_id!,
      correlationId: row.correlation_id!,
      approvalSysId,
    };
  } catch (error) {
    // A closed or canceled change cannot move to Scheduled: report it, do not throw.
    if (!(error instanceof SimWriteError)) throw error;
    return {
      outcome: 'refused',
      number: row.number!,
      sysId: row.sys_id!,
      reason: `${error.message}: ${error.detail.trim()}`,
    };
  }
}
