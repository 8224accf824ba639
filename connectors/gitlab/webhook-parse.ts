import type { z } from 'zod';
import type { WebhookOutcome } from '../../src/model/index.js';
import {
  deploymentEvent,
  makeEvent,
  mergeRequestEvent,
  mrExternalId,
  type EventContext,
  type MergeRequestSummary,
} from './events.js';
import { NOTE_MARKER } from './options.js';
import { deploymentHook, mergeRequestHook, noteHook, pipelineHook, pushHook } from './schemas.js';

/**
 * Turns an authenticated GitLab body into source events or a reasoned ignore. Never
 * throws: a body that does not match the documented shape becomes an `unparseable`
 * event, so processing dead-letters it with the reason instead of losing it.
 */

export interface ParseInput {
  /** `X-Gitlab-Event`, or `External Status Check` for status check requests. */
  hookEvent: string;
  body: unknown;
  deliveryKey: string;
  /** Accepted project paths; empty accepts all. */
  projects: readonly string[];
}

const IGNORED_HOOKS: Record<string, string> = {
  'Job Hook':
    'job events are not used: deployments arrive as Deployment Hook, CI results as Pipeline Hook',
  'Tag Push Hook': 'tag pushes do not change a branch',
};

export function parseGitLabHook(ctx: EventContext, input: ParseInput): WebhookOutcome {
  const ignored = IGNORED_HOOKS[input.hookEvent];
  if (ignored) return { outcome: 'ignored', reason: `${input.hookEvent}: ${ignored}` };
  switch (input.hookEvent) {
    case 'Merge Request Hook':
    case 'External Status Check':
      return withSchema(ctx, input, mergeRequestHook, (b) => {
        const isCheck = input.hookEvent === 'External Status Check';
        if (isCheck && !b.external_approval_rule) {
          return unparseableReason('status check request without external_approval_rule');
        }
        const a = b.object_attributes;
        const summary: MergeRequestSummary = {
          project: b.project.path_with_namespace,
          projectId: b.project.id,
          iid: a.iid,
          title: a.title,
          description: a.description ?? null,
          sourceBranch: a.source_branch,
          targetBranch: a.target_branch,
          state: a.state ?? null,
          action: a.action ?? null,
          headSha: a.last_commit?.id ?? null,
          updatedAt: a.updated_at,
          url: a.url ?? null,
        };
        const rule = b.external_approval_rule;
        const event = isCheck
          ? mergeRequestEvent(ctx, summary, {
              deliveryKey: input.deliveryKey,
              event: 'external_status_check.requested',
              kind: 'external_status_check',
              externalId: `${mrExternalId(summary.project, summary.iid)}/status_checks/${rule?.id ?? 0}`,
              raw: b,
            })
          : mergeRequestEvent(ctx, summary, {
              deliveryKey: input.deliveryKey,
              // GitLab omits `action` on some MR payloads (e.g. status check shaped ones).
              event: `merge_request.${a.action ?? 'update'}`,
              raw: b,
            });
        return { outcome: 'accepted', events: [event] };
      });
    case 'Push Hook':
      return withSchema(ctx, input, pushHook, (b) => {
        if (!b.ref.startsWith('refs/heads/')) return ignore(`push to ${b.ref} is not a branch`);
        const branch = b.ref.slice('refs/heads/'.length);
        const deleted = /^0+$/.test(b.after);
        const summary = {
          project: b.project.path_with_namespace,
          projectId: b.project.id,
          branch,
          before: b.before,
          after: b.after,
          deleted,
          protected: (b as { ref_protected?: unknown }).ref_protected === true,
          // At most 20 commits are listed; total_commits_count is the real number.
          totalCommits: b.total_commits_count ?? b.commits.length,
          commitShas: b.commits.map((c) => c.id),
        };
        return accepted(ctx, input, {
          kind: 'push',
          event: deleted ? 'push.branch_deleted' : 'push',
          externalId: `${summary.project}@${b.after}`,
          summary,
          keyTexts: [branch, ...b.commits.map((c) => c.message ?? c.title)],
          raw: b,
        });
      });
    case 'Deployment Hook':
      return withSchema(ctx, input, deploymentHook, (b) => {
        const event = deploymentEvent(
          ctx,
          {
            project: b.project.path_with_namespace,
            projectId: b.project.id,
            deploymentId: b.deployment_id,
            environment: b.environment,
            status: b.status,
            // The hook only has the short sha; the full one is the tail of commit_url.
            sha: b.commit_url?.match(/\/commit\/([0-9a-f]{40})$/)?.[1] ?? b.short_sha ?? null,
            ref: b.ref ?? null,
            title: b.commit_title ?? null,
            updatedAt: b.status_changed_at ?? null,
          },
          { deliveryKey: input.deliveryKey, event: `deployment.${b.status}`, raw: b },
        );
        return { outcome: 'accepted', events: [event] };
      });
    case 'Pipeline Hook':
      return withSchema(ctx, input, pipelineHook, (b) => {
        const a = b.object_attributes;
        const project = b.project.path_with_namespace;
        return accepted(ctx, input, {
          kind: 'pipeline',
          event: `pipeline.${a.status}`,
          externalId: `${project}/pipelines/${a.id}`,
          summary: {
            project,
            projectId: b.project.id,
            pipelineId: a.id,
            ref: a.ref ?? null,
            sha: a.sha,
            status: a.status,
            mergeRequestIid: b.merge_request?.iid ?? null,
          },
          keyTexts: [
            a.ref,
            b.merge_request?.title,
            b.merge_request?.source_branch,
            b.commit?.message,
          ],
          raw: b,
        });
      });
    case 'Note Hook':
      return withSchema(ctx, input, noteHook, (b) => {
        const a = b.object_attributes;
        if (a.noteable_type !== 'MergeRequest' || !b.merge_request) {
          return ignore(`note on a ${a.noteable_type}, not on a merge request`);
        }
        // Our own governance note coming back: recording it would only echo our write.
        if (a.note.includes(NOTE_MARKER)) return ignore('note written by changebridge (echo)');
        const project = b.project.path_with_namespace;
        const mrId = mrExternalId(project, b.merge_request.iid);
        return accepted(ctx, input, {
          kind: 'merge_request_note',
          event: 'note',
          externalId: `${mrId}/notes/${a.id}`,
          summary: {
            project,
            projectId: b.project.id,
            iid: b.merge_request.iid,
            noteId: a.id,
            body: a.note,
          },
          keyTexts: [a.note, b.merge_request.title, b.merge_request.source_branch],
          raw: b,
        });
      });
    default:
      return ignore(`X-Gitlab-Event "${input.hookEvent}" is not used by changebridge`);
  }
}

type Built = WebhookOutcome | { unparseable: string };

function withSchema<S extends z.ZodType>(
  ctx: EventContext,
  input: ParseInput,
  schema: S,
  build: (body: z.infer<S>) => Built,
): WebhookOutcome {
  const parsed = schema.safeParse(input.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return unparseable(
      ctx,
      input,
      `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const project = (parsed.data as { project?: { path_with_namespace?: string } }).project
    ?.path_with_namespace;
  if (project && input.projects.length > 0 && !input.projects.includes(project)) {
    return ignore(`project ${project} is not in this connection's projects`);
  }
  const built = build(parsed.data);
  return 'unparseable' in built ? unparseable(ctx, input, built.unparseable) : built;
}

function accepted(
  ctx: EventContext,
  input: ParseInput,
  f: Omit<Parameters<typeof makeEvent>[1], 'deliveryKey'>,
): WebhookOutcome {
  return {
    outcome: 'accepted',
    events: [makeEvent(ctx, { ...f, deliveryKey: input.deliveryKey })],
  };
}

function unparseable(ctx: EventContext, input: ParseInput, reason: string): WebhookOutcome {
  return {
    outcome: 'accepted',
    events: [
      makeEvent(ctx, {
        deliveryKey: input.deliveryKey,
        kind: 'unknown',
        event: 'unparseable',
        externalId: null,
        summary: { hookEvent: input.hookEvent, reason },
        keyTexts: [],
        raw: input.body,
      }),
    ],
  };
}

const unparseableReason = (reason: string): Built => ({ unparseable: reason });
const ignore = (reason: string): WebhookOutcome => ({ outcome: 'ignored', reason });
