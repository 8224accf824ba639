import type { Change, CodeChange, Finding, Link } from '../model/index.js';
import { commandKey, digest, envelope, type PlannedCommand } from './plan-keys.js';

/**
 * Findings and approval state written back where people work (DESIGN §8): a ServiceNow
 * work note and a Jira comment when the open set changes, a commit status on each pull
 * or merge request head, and a PR comment / MR note while something blocks. Pure. Each
 * is an aspect of its link, written once per distinct desired state; an empty set that
 * was never announced announces nothing.
 */
export interface FindingsPlanInput {
  change: Change;
  links: readonly Link[];
  /** Active findings (open, or waived with an expired waiver). */
  findings: readonly Finding[];
  codeChanges: readonly CodeChange[];
  jiraComments: boolean;
}

export function planFindings(input: FindingsPlanInput): PlannedCommand[] {
  const { change, findings } = input;
  const out: PlannedCommand[] = [];
  const setHash = digest(
    JSON.stringify(findings.map((f) => [f.id, f.severity, f.blocking, f.message]).sort()),
  );
  const blocking = findings.some((f) => f.blocking);
  const summary = findingsSummary(change, findings);
  for (const link of input.links) {
    const written = link.syncState?.written ?? {};
    const push = (
      aspect: string,
      hash: string,
      operation: string,
      target: string,
      payload: object,
    ) => {
      if (written[aspect] === hash) return;
      out.push({
        // A findings note or comment is keyed by its content alone: when the set flips back
        // (A → B → A, e.g. two replicas seeing records in a different order) the record
        // already carries that text, and posting it twice would only repeat it.
        idempotencyKey:
          aspect === 'findings'
            ? `${link.recordId}|findings|${hash.slice(0, 16)}`
            : commandKey(link, aspect, hash),
        changeId: change.id,
        targetSystem: link.system,
        connection: link.connection,
        operation,
        target,
        payload: { ...envelope(link, aspect, hash), ...payload },
        supersedes: `${link.recordId}|${aspect}|`,
      });
    };
    const announce = findings.length > 0 || written.findings !== undefined;
    if (link.system === 'servicenow' && link.kind === 'change_request' && announce) {
      push('findings', setHash, 'servicenow.work_note', link.externalId, { text: summary });
    }
    if (link.system === 'jira' && link.kind === 'issue' && input.jiraComments && announce) {
      push('findings', setHash, 'jira.comment', link.externalKey ?? link.externalId, {
        text: summary,
      });
    }
    const cc = input.codeChanges.find((c) => c.id === link.recordId);
    if (!cc?.headSha || (link.kind !== 'pull_request' && link.kind !== 'merge_request')) continue;
    const verdict = codeChangeVerdict(change, findings);
    const statusHash = digest(`${cc.headSha}|${verdict.state}|${verdict.description}`);
    const commented = written.comment !== undefined;
    if (link.system === 'github') {
      push('status', statusHash, 'github.status', `${cc.repo}@${cc.headSha}`, {
        state: verdict.state,
        description: verdict.description,
      });
      if (blocking || commented)
        push('comment', setHash, 'github.comment', `${cc.repo}#${cc.number}`, {
          blocking,
          body: summary,
        });
    } else if (link.system === 'gitlab') {
      const state = verdict.state === 'failure' ? 'failed' : verdict.state;
      push('status', statusHash, 'gitlab.commit_status', `${cc.repo}@${cc.headSha}`, {
        project: cc.repo,
        sha: cc.headSha,
        state,
        description: verdict.description,
      });
      if (blocking || commented)
        push('comment', setHash, 'gitlab.mr_note', `${cc.repo}!${cc.number}`, {
          project: cc.repo,
          iid: cc.number,
          body: summary,
        });
    }
  }
  return out;
}

export interface CodeChangeVerdict {
  state: 'success' | 'failure' | 'pending';
  description: string;
}

/** What a pull request's governance status says about its change. */
export function codeChangeVerdict(change: Change, findings: readonly Finding[]): CodeChangeVerdict {
  const blocking = findings.filter((f) => f.blocking);
  if (change.approval === 'rejected')
    return { state: 'failure', description: `${change.key} was rejected` };
  if (blocking.length > 0)
    return {
      state: 'failure',
      description: `${change.key}: ${blocking.length} blocking finding(s): ${blocking[0]!.message}`,
    };
  if (change.approval === 'approved' || change.type === 'standard')
    return { state: 'success', description: `${change.key} is approved` };
  if (change.approval === 'requested')
    return { state: 'pending', description: `${change.key} is waiting for approval` };
  return { state: 'failure', description: `${change.key} has not been submitted for approval` };
}

/** The plain-text summary every system gets (Jira renders it through markdownToAdf). */
export function findingsSummary(change: Change, findings: readonly Finding[]): string {
  if (findings.length === 0)
    return `changebridge governance for ${change.key}: all findings are resolved.`;
  const blocking = findings.filter((f) => f.blocking).length;
  const lines = [...findings]
    .sort((a, b) => Number(b.blocking) - Number(a.blocking) || a.id.localeCompare(b.id))
    .map((f) => `- [${f.blocking ? 'blocking, ' : ''}${f.severity}] ${f.message} (${f.policy})`);
  // A blank line after the heading: Jira's markdown conversion then makes the rest a list.
  return `changebridge governance for ${change.key}: ${findings.length} open finding${findings.length === 1 ? '' : 's'}${blocking ? ` (${blocking} blocking)` : ''}.\n\n${lines.join('\n')}`;
}
