import { z } from 'zod';
import type { WriteCommand, WriteResult } from '../../src/model/index.js';
import { ChangebridgeError, type Logger } from '../../src/runtime/index.js';
import type { GitHubApi } from './client.js';
import { COMMENT_MARKER } from './options.js';

/**
 * Write-back to GitHub (DESIGN §8). Each operation first reads what the target shows and
 * writes nothing when it already matches: a repeated outbox command, or an unchanged
 * desired state, costs reads only.
 */
export const GITHUB_OPERATIONS = [
  'github.status',
  'github.check_run',
  'github.comment',
  'github.deployment_review',
] as const;

const statusPayload = z.strictObject({
  state: z.enum(['error', 'failure', 'pending', 'success']),
  description: z.string(),
  targetUrl: z.string().url().optional(),
});
const checkRunPayload = z.strictObject({
  conclusion: z.enum(['success', 'failure', 'neutral', 'action_required']),
  title: z.string().min(1),
  summary: z.string(),
});
const commentPayload = z.strictObject({ blocking: z.boolean(), body: z.string().min(1) });
const reviewPayload = z.strictObject({
  environment: z.string().min(1),
  state: z.enum(['approved', 'rejected']),
  comment: z.string().min(1),
  installationId: z.number().int().positive().optional(),
});

export interface WritebackSettings {
  statusContext: string;
  detailsUrl?: string;
}

/** GitHub caps a status description at 140 characters (422 otherwise). */
const MAX_STATUS_DESCRIPTION = 140;
/** Comments are scanned this many pages deep for our marker (100 per page). */
const MAX_COMMENT_PAGES = 20;

export function createWriteback(api: GitHubApi, settings: WritebackSettings, logger: Logger) {
  // The protection-rule callback has no read side: remember answers given by this process.
  const answered = new Map<string, string>();

  const status = async (target: string, raw: unknown): Promise<WriteResult> => {
    const { repo, ref } = parseTarget(target, '@', 'owner/repo@sha');
    const p = parse(statusPayload, raw, 'github.status');
    const description = truncate(p.description, MAX_STATUS_DESCRIPTION);
    const targetUrl = p.targetUrl ?? settings.detailsUrl;
    const current = await api.getCombinedStatus(repo, ref);
    const mine = current.statuses.find((s) => s.context === settings.statusContext);
    if (
      mine &&
      mine.state === p.state &&
      (mine.description ?? '') === description &&
      (mine.target_url ?? undefined) === targetUrl
    ) {
      return { outcome: 'skipped', reason: `${target} already shows ${p.state} "${description}"` };
    }
    await api.createStatus(repo, ref, {
      state: p.state,
      context: settings.statusContext,
      description,
      ...(targetUrl ? { target_url: targetUrl } : {}),
    });
    return { outcome: 'done' };
  };

  const checkRun = async (target: string, raw: unknown): Promise<WriteResult> => {
    const { repo, ref } = parseTarget(target, '@', 'owner/repo@sha');
    const p = parse(checkRunPayload, raw, 'github.check_run');
    if (!api.auth.isApp)
      return {
        outcome: 'skipped',
        reason: 'check runs need GitHub App auth; the commit status carries the result',
      };
    const list = await api.listCheckRuns(repo, ref, settings.statusContext);
    const existing = list.check_runs.find((c) => c.name === settings.statusContext);
    const body = checkRunBody(p, settings.detailsUrl);
    if (existing) {
      if (
        existing.status === 'completed' &&
        existing.conclusion === p.conclusion &&
        existing.output?.title === p.title &&
        existing.output?.summary === p.summary
      ) {
        return {
          outcome: 'skipped',
          reason: `check run ${existing.id} on ${target} already shows ${p.conclusion}`,
        };
      }
      await api.updateCheckRun(repo, existing.id, body);
      return { outcome: 'done', result: { checkRunId: existing.id } };
    }
    const created = await api.createCheckRun(repo, {
      name: settings.statusContext,
      head_sha: ref,
      ...body,
    });
    return { outcome: 'done', result: { checkRunId: created.id } };
  };

  const comment = async (target: string, raw: unknown): Promise<WriteResult> => {
    const { repo, ref } = parseTarget(target, '#', 'owner/repo#number');
    const number = Number(ref);
    const p = parse(commentPayload, raw, 'github.comment');
    const desired = `${COMMENT_MARKER}\n${p.body}`;
    let existing: { id: number; body: string } | null = null;
    for (let page = 1; page <= MAX_COMMENT_PAGES && !existing; page++) {
      const res = await api.listComments(repo, number, page);
      const hit = res.items.find((c) => c.body?.startsWith(COMMENT_MARKER));
      if (hit) existing = { id: hit.id, body: hit.body ?? '' };
      if (!res.hasNext) break;
    }
    if (!existing) {
      // Only blocking findings earn a comment; a clean PR stays quiet.
      if (!p.blocking)
        return {
          outcome: 'skipped',
          reason: `${target}: nothing blocking and no comment to update`,
        };
      const created = await api.createComment(repo, number, desired);
      return { outcome: 'done', result: { commentId: created.id } };
    }
    if (existing.body === desired)
      return { outcome: 'skipped', reason: `comment ${existing.id} on ${target} is up to date` };
    await api.updateComment(repo, existing.id, desired);
    return { outcome: 'done', result: { commentId: existing.id } };
  };

  const deploymentReview = async (target: string, raw: unknown): Promise<WriteResult> => {
    const m = /^([^/]+\/[^/]+)\/actions\/runs\/(\d+)$/.exec(target);
    if (!m) throw badTarget(target, 'owner/repo/actions/runs/<run id>');
    const p = parse(reviewPayload, raw, 'github.deployment_review');
    const key = `${target}:${p.environment}`;
    if (answered.get(key) === `${p.state}:${p.comment}`) {
      return {
        outcome: 'skipped',
        reason: `${target} (${p.environment}) already answered ${p.state}`,
      };
    }
    await api.reviewProtectionRule(
      m[1]!,
      Number(m[2]),
      { environment_name: p.environment, state: p.state, comment: p.comment },
      p.installationId,
    );
    answered.set(key, `${p.state}:${p.comment}`);
    logger.info('github protection rule answered', {
      event: 'github.deployment_review',
      target,
      environment: p.environment,
      state: p.state,
    });
    return { outcome: 'done' };
  };

  return async (command: WriteCommand): Promise<WriteResult> => {
    switch (command.operation) {
      case 'github.status':
        return status(command.target, command.payload);
      case 'github.check_run':
        return checkRun(command.target, command.payload);
      case 'github.comment':
        return comment(command.target, command.payload);
      case 'github.deployment_review':
        return deploymentReview(command.target, command.payload);
      default:
        throw new ChangebridgeError('github', `unknown write operation "${command.operation}"`, {
          hint: `use one of ${GITHUB_OPERATIONS.join(', ')}`,
        });
    }
  };
}

/** The fields changebridge sets on its check run (create and update alike). */
export function checkRunBody(
  p: z.infer<typeof checkRunPayload>,
  detailsUrl?: string,
): Record<string, unknown> {
  return {
    status: 'completed',
    conclusion: p.conclusion,
    output: { title: p.title, summary: p.summary },
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
  };
}

function parse<S extends z.ZodType>(schema: S, raw: unknown, op: string): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ChangebridgeError(
      'github',
      `${op}: invalid payload at ${i?.path.map(String).join('.') || '(root)'}: ${i?.message ?? 'invalid'}`,
      {
        hint: 'this is a planner bug: the outbox command does not match the operation',
      },
    );
  }
  return r.data;
}

function parseTarget(target: string, sep: '@' | '#', shape: string): { repo: string; ref: string } {
  const i = target.lastIndexOf(sep);
  const repo = target.slice(0, i);
  const ref = target.slice(i + 1);
  if (i <= 0 || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo) || ref.length === 0)
    throw badTarget(target, shape);
  return { repo, ref };
}

function badTarget(target: string, shape: string): ChangebridgeError {
  return new ChangebridgeError('github', `write target "${target}" is not ${shape}`, {
    hint: 'this is a planner bug: check how it builds GitHub targets',
  });
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
