import type { KeyPatterns } from '../../src/model/index.js';
import {
  deploymentRecord,
  protectionRuleRecord,
  pullRequestRecord,
  pushRecord,
  reviewRecord,
} from './records.js';
import {
  deploymentEventSchema,
  deploymentStatusEventSchema,
  protectionRuleEventSchema,
  pullRequestEventSchema,
  pullRequestReviewEventSchema,
  pushEventSchema,
} from './schemas.js';

/**
 * A GitHub webhook body (already authenticated) → what the source event should hold, or a
 * reasoned ignore. Never throws: a body that does not match the schema comes back as
 * `invalid` so the caller stores it as `unparseable` and processing dead-letters it.
 */
export type ParsedEvent =
  | {
      outcome: 'event';
      kind:
        | 'pull_request'
        | 'pull_request_review'
        | 'push'
        | 'deployment'
        | 'deployment_protection_rule';
      /** `<x-github-event>.<action>`, e.g. `pull_request.closed`. */
      event: string;
      externalId: string;
      /** Normalised record; the raw body travels beside it. */
      record: unknown;
    }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'invalid'; reason: string };

/** Actions that can change what governance concludes about a PR. */
const PR_ACTIONS = new Set([
  'opened',
  'edited',
  'synchronize',
  'reopened',
  'closed',
  'ready_for_review',
  'converted_to_draft',
]);
const REVIEW_ACTIONS = new Set(['submitted', 'edited', 'dismissed']);

export function prExternalId(repo: string, number: number): string {
  return `${repo}#${number}`;
}
export function deploymentExternalId(repo: string, id: number): string {
  return `${repo}/deployments/${id}`;
}

export function parseGitHubEvent(name: string, body: unknown, patterns?: KeyPatterns): ParsedEvent {
  const action =
    typeof body === 'object' && body !== null && 'action' in body ? String(body.action) : null;
  const label = action ? `${name}.${action}` : name;
  switch (name) {
    case 'ping':
      return { outcome: 'ignored', reason: 'ping: GitHub checking the hook; nothing to sync' };
    case 'pull_request': {
      if (!action || !PR_ACTIONS.has(action)) return ignoredAction(label);
      const r = pullRequestEventSchema.safeParse(body);
      if (!r.success) return invalid(label, r.error.issues);
      const repo = r.data.repository.full_name;
      const record = pullRequestRecord(repo, r.data.pull_request, patterns);
      return {
        outcome: 'event',
        kind: 'pull_request',
        event: label,
        externalId: prExternalId(repo, record.number),
        record,
      };
    }
    case 'pull_request_review': {
      if (!action || !REVIEW_ACTIONS.has(action)) return ignoredAction(label);
      const r = pullRequestReviewEventSchema.safeParse(body);
      if (!r.success) return invalid(label, r.error.issues);
      const repo = r.data.repository.full_name;
      const pr = pullRequestRecord(repo, r.data.pull_request, patterns);
      const review = reviewRecord(repo, pr.number, r.data.review);
      return {
        outcome: 'event',
        kind: 'pull_request_review',
        event: label,
        externalId: prExternalId(repo, pr.number),
        record: { pullRequest: pr, review },
      };
    }
    case 'push': {
      const r = pushEventSchema.safeParse(body);
      if (!r.success) return invalid(label, r.error.issues);
      if (r.data.deleted)
        return {
          outcome: 'ignored',
          reason: `push deleting ${r.data.ref}: no code reaches the branch`,
        };
      const record = pushRecord(r.data, patterns);
      // Direct pushes to protected branches matter (no PR): keep every push, policy decides.
      return {
        outcome: 'event',
        kind: 'push',
        event: 'push',
        externalId: `${record.repo}@${record.after}`,
        record,
      };
    }
    case 'deployment': {
      if (action !== 'created') return ignoredAction(label);
      const r = deploymentEventSchema.safeParse(body);
      if (!r.success) return invalid(label, r.error.issues);
      const repo = r.data.repository.full_name;
      return deploymentParsed(
        label,
        repo,
        deploymentRecord(repo, r.data.deployment, null, patterns),
      );
    }
    case 'deployment_status': {
      if (action !== 'created') return ignoredAction(label);
      const r = deploymentStatusEventSchema.safeParse(body);
      if (!r.success) return invalid(label, r.error.issues);
      const repo = r.data.repository.full_name;
      const status = r.data.deployment_status;
      return deploymentParsed(
        label,
        repo,
        deploymentRecord(repo, r.data.deployment, status, patterns),
      );
    }
    case 'deployment_protection_rule': {
      if (action !== 'requested') return ignoredAction(label);
      const r = protectionRuleEventSchema.safeParse(body);
      if (!r.success) return invalid(label, r.error.issues);
      const record = protectionRuleRecord(r.data, patterns);
      if (!record)
        return invalid(label, [{ message: 'deployment_callback_url names no workflow run' }]);
      return {
        outcome: 'event',
        kind: 'deployment_protection_rule',
        event: label,
        externalId: `${record.repo}/actions/runs/${record.runId}/${record.environment}`,
        record,
      };
    }
    default:
      return { outcome: 'ignored', reason: `event "${name}" is not used by changebridge` };
  }
}

function ignoredAction(label: string): ParsedEvent {
  return { outcome: 'ignored', reason: `${label}: this action does not affect governance` };
}

function invalid(
  label: string,
  issues: readonly { message: string; path?: readonly PropertyKey[] }[],
): ParsedEvent {
  const first = issues[0];
  const where =
    first?.path && first.path.length > 0 ? ` at ${first.path.map(String).join('.')}` : '';
  return {
    outcome: 'invalid',
    reason: `${label}: body does not match the GitHub schema${where}: ${first?.message ?? 'invalid'}`,
  };
}

/** `deployment` and `deployment_status` both describe one deployment record. */
function deploymentParsed(
  label: string,
  repo: string,
  record: ReturnType<typeof deploymentRecord>,
) {
  return {
    outcome: 'event' as const,
    kind: 'deployment' as const,
    event: label,
    externalId: deploymentExternalId(repo, record.id),
    record,
  };
}
