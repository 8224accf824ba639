import { z } from 'zod';
import type { WriteCommand, WriteResult } from '../../src/model/index.js';
import { UserError } from '../../src/runtime/index.js';
import { projectPath, type GitLabClient } from './client.js';
import { DEFAULT_STATUS_NAME, NOTE_MARKER } from './options.js';
import {
  apiCommitStatus,
  apiDeployment,
  apiMergeRequest,
  apiNote,
  apiStatusCheck,
  apiUser,
} from './schemas.js';

/**
 * Write-backs (DESIGN §8, GitLab row). GitLab takes no idempotency keys, so each write
 * first reads the target and is skipped when it already shows the desired state: a
 * repeated outbox attempt then costs one GET and produces no second effect.
 */

export const GITLAB_OPERATIONS = [
  'gitlab.commit_status',
  'gitlab.mr_note',
  'gitlab.status_check_response',
  'gitlab.deployment_approval',
] as const;
export type GitLabOperation = (typeof GITLAB_OPERATIONS)[number];

const project = z.string().min(1);
const sha = z.string().regex(/^[0-9a-f]{40}$/, 'a full 40-character commit sha');

export const commitStatusPayload = z.strictObject({
  project,
  sha,
  state: z.enum(['pending', 'running', 'success', 'failed', 'canceled']),
  description: z.string().max(255).optional(),
  targetUrl: z.url().optional(),
  ref: z.string().optional(),
});
export const mrNotePayload = z.strictObject({
  project,
  iid: z.number().int().positive(),
  body: z.string().min(1),
});
export const statusCheckPayload = z.strictObject({
  project,
  iid: z.number().int().positive(),
  sha,
  checkId: z.number().int().positive(),
  status: z.enum(['passed', 'failed']),
});
export const deploymentApprovalPayload = z.strictObject({
  project,
  deploymentId: z.number().int().positive(),
  status: z.enum(['approved', 'rejected']),
  comment: z.string().optional(),
});

export interface WritebackDeps {
  client: GitLabClient;
  statusName?: string | undefined;
}

export function createWriteback(
  deps: WritebackDeps,
): (command: WriteCommand) => Promise<WriteResult> {
  const { client } = deps;
  const statusName = deps.statusName ?? DEFAULT_STATUS_NAME;
  let self: Promise<number> | undefined;
  // The token's own user id, read once: approvals are matched against it.
  const selfId = () => (self ??= client.get('/user', apiUser).then((u) => u.id));

  return async (command) => {
    switch (command.operation as GitLabOperation) {
      case 'gitlab.commit_status': {
        const p = parse(commitStatusPayload, command);
        const base = projectPath(p.project);
        const current = await client.get(
          `${base}/repository/commits/${p.sha}/statuses`,
          apiCommitStatus.array(),
          { name: statusName, per_page: 100 },
        );
        const latest = current.filter((s) => s.name === statusName).sort((a, b) => b.id - a.id)[0];
        if (
          latest &&
          latest.status === p.state &&
          (latest.description ?? '') === (p.description ?? '') &&
          (latest.target_url ?? undefined) === p.targetUrl
        ) {
          return { outcome: 'skipped', reason: `commit status ${statusName} already ${p.state}` };
        }
        const body = {
          state: p.state,
          name: statusName,
          description: p.description,
          target_url: p.targetUrl,
          ref: p.ref,
        };
        const result = await client.send(
          'POST',
          `${base}/statuses/${p.sha}`,
          body,
          apiCommitStatus,
        );
        return { outcome: 'done', result: { id: result.id } };
      }
      case 'gitlab.mr_note': {
        const p = parse(mrNotePayload, command);
        const path = `${projectPath(p.project)}/merge_requests/${p.iid}/notes`;
        const body = p.body.includes(NOTE_MARKER) ? p.body : `${NOTE_MARKER}\n${p.body}`;
        let ours: z.infer<typeof apiNote> | undefined;
        for await (const page of client.pages(path, apiNote, {
          sort: 'asc',
          order_by: 'created_at',
          per_page: 100,
        })) {
          ours = page.find((n) => !n.system && n.body.includes(NOTE_MARKER));
          if (ours) break;
        }
        if (ours?.body === body)
          return { outcome: 'skipped', reason: `note ${ours.id} already says this` };
        const written = ours
          ? await client.send('PUT', `${path}/${ours.id}`, { body }, apiNote)
          : await client.send('POST', path, { body }, apiNote);
        return { outcome: 'done', result: { noteId: written.id, updated: Boolean(ours) } };
      }
      case 'gitlab.status_check_response': {
        const p = parse(statusCheckPayload, command);
        const path = `${projectPath(p.project)}/merge_requests/${p.iid}`;
        // GitLab takes answers for the MR's current head only (409 otherwise), and the
        // status_checks list below describes that head. An answer decided for an older sha
        // (the change was approved after another push) is moot: GitLab asked again about
        // the new head, and that request gets its own answer.
        const mr = await client.get(path, apiMergeRequest);
        if (mr.sha && mr.sha !== p.sha) {
          return {
            outcome: 'skipped',
            reason: `!${p.iid} moved on to ${mr.sha.slice(0, 12)}; ${p.sha.slice(0, 12)} is no longer its head`,
          };
        }
        const checks = await client.get(`${path}/status_checks`, apiStatusCheck.array());
        const check = checks.find((c) => c.id === p.checkId);
        if (check?.status === p.status) {
          return { outcome: 'skipped', reason: `status check ${p.checkId} already ${p.status}` };
        }
        const body = { sha: p.sha, external_status_check_id: p.checkId, status: p.status };
        await client.send('POST', `${path}/status_check_responses`, body, z.unknown());
        return { outcome: 'done' };
      }
      case 'gitlab.deployment_approval': {
        const p = parse(deploymentApprovalPayload, command);
        const path = `${projectPath(p.project)}/deployments/${p.deploymentId}`;
        const [deployment, me] = await Promise.all([client.get(path, apiDeployment), selfId()]);
        const mine = deployment.approvals?.find((a) => a.user.id === me);
        if (mine?.status === p.status) {
          return {
            outcome: 'skipped',
            reason: `deployment ${p.deploymentId} already ${p.status} by us`,
          };
        }
        // Only a deployment waiting for approval can be approved; GitLab answers 400 otherwise.
        if (deployment.status !== 'blocked') {
          return {
            outcome: 'skipped',
            reason: `deployment ${p.deploymentId} is ${deployment.status}, not awaiting approval`,
          };
        }
        await client.send(
          'POST',
          `${path}/approval`,
          { status: p.status, comment: p.comment },
          z.unknown(),
        );
        return { outcome: 'done' };
      }
      default:
        throw new UserError(
          'gitlab',
          `unknown write operation "${command.operation}" for ${command.target}`,
          {
            hint: `use one of ${GITLAB_OPERATIONS.join(', ')}`,
          },
        );
    }
  };
}

function parse<S extends z.ZodType>(schema: S, command: WriteCommand): z.infer<S> {
  const parsed = schema.safeParse(command.payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UserError(
    'gitlab',
    `${command.operation} payload for ${command.target} is invalid at ${issue?.path.join('.') || 'payload'}: ${issue?.message ?? ''}`,
    { hint: 'this is a planner bug: the command is dead-lettered, fix the planner and replay it' },
  );
}
