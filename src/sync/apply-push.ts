import { z } from 'zod';
import { sourceId, type CodeChange, type SourceEvent } from '../model/index.js';
import { isProtectedBranch } from '../policy/index.js';
import type { ApplyOutcome } from './apply-change.js';
import { changesNamed, keep, linkTo } from './apply-records.js';
import type { ApplyContext } from './context.js';
import { resolvePersonId } from './people.js';
import { flush } from './tx-cache.js';

/**
 * Pushes to protected branches (DESIGN §7 "unauthorised change"): kept as code changes of
 * kind `push` (number 0, the pushed commit as merge sha), so reconciliation can tell a
 * direct push from a pull request's merge. Pushes to other branches are ignored.
 */
const keys = z.object({ changeKeys: z.array(z.string()), issueKeys: z.array(z.string()) });
const githubPush = z.object({
  record: z.object({
    repo: z.string(),
    branch: z.string().nullable(),
    after: z.string(),
    pusher: z.string().nullable(),
    commits: z.array(z.object({ message: z.string().nullable().optional() })),
    linkedKeys: keys,
  }),
});
const gitlabPush = z.object({
  summary: z.object({
    project: z.string(),
    branch: z.string(),
    after: z.string(),
    deleted: z.boolean().optional(),
  }),
  keys,
  raw: z
    .object({
      user_username: z.string().nullable().optional(),
      commits: z.array(z.object({ message: z.string().nullable().optional() })).optional(),
    })
    .passthrough(),
});

interface Push {
  repo: string;
  branch: string;
  sha: string;
  pusher: string | null;
  message: string;
  keys: string[];
}

function readPush(event: SourceEvent): Push | null {
  if (event.system === 'github') {
    const p = githubPush.safeParse(event.payload);
    if (!p.success || !p.data.record.branch) return null;
    const r = p.data.record;
    return {
      repo: r.repo,
      branch: r.branch!,
      sha: r.after,
      pusher: r.pusher,
      message: r.commits.at(-1)?.message ?? '',
      keys: [...r.linkedKeys.changeKeys, ...r.linkedKeys.issueKeys],
    };
  }
  const p = gitlabPush.safeParse(event.payload);
  if (!p.success || p.data.summary.deleted) return null;
  return {
    repo: p.data.summary.project,
    branch: p.data.summary.branch,
    sha: p.data.summary.after,
    pusher: p.data.raw.user_username ?? null,
    message: p.data.raw.commits?.at(-1)?.message ?? '',
    keys: [...p.data.keys.changeKeys, ...p.data.keys.issueKeys],
  };
}

export async function applyPush(ctx: ApplyContext, event: SourceEvent): Promise<ApplyOutcome> {
  const push = readPush(event);
  if (!push) return { outcome: 'ignored', reason: 'the push names no branch or was a deletion' };
  if (!isProtectedBranch(push.branch, ctx.settings.protectedBranches))
    return { outcome: 'ignored', reason: `${push.branch} is not a protected branch` };
  await flush(ctx);
  const { store, m } = ctx;
  const id = sourceId({
    system: event.system,
    kind: 'push',
    connection: event.connection,
    externalId: `${push.repo}@${push.sha}`,
  });
  if (await store.codeChanges.get(id, m))
    return { outcome: 'ignored', reason: 'this push is already recorded' };
  const pusher = push.pusher
    ? await resolvePersonId(ctx, `${event.system}:${push.pusher}`, null)
    : null;
  const row: CodeChange = {
    id,
    system: event.system === 'gitlab' ? 'gitlab' : 'github',
    repo: push.repo,
    number: 0,
    title: push.message.split('\n')[0]!.slice(0, 500) || `push to ${push.branch}`,
    author: pusher,
    reviewers: [],
    mergedBy: pusher,
    mergedAt: event.receivedAt,
    headSha: push.sha,
    mergeSha: push.sha,
    targetBranch: push.branch,
    linkedKeys: push.keys,
    sourceEventIds: keep([], event),
    updatedAt: ctx.now,
  };
  await store.codeChanges.upsert(row, m);
  ctx.audit.push({
    actor: `${event.system}:${event.connection}`,
    action: 'push.recorded',
    subject: `${push.repo}@${push.sha.slice(0, 12)}`,
    data: { record: id, branch: push.branch, pusher: push.pusher, keys: push.keys },
  });
  const changes = await changesNamed(ctx, push.keys);
  await linkTo(ctx, changes, event, 'push', `${push.repo}@${push.sha.slice(0, 12)}`, null);
  return { outcome: 'applied' };
}
