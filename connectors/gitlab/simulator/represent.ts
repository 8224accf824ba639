import type {
  SimCommitStatus,
  SimDeployment,
  SimMergeRequest,
  SimNote,
  SimProject,
  SimUser,
} from './model.js';
import type { GitLabSimState } from './state.js';

/**
 * REST v4 representations, shaped like GitLab's (https://docs.gitlab.com/api/): numeric
 * ids, ISO times with milliseconds, `null` rather than missing for empty fields.
 */

export const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function userJson(u: SimUser | undefined, baseUrl: string) {
  if (!u) return null;
  return {
    id: u.id,
    username: u.username,
    name: u.name,
    state: 'active',
    avatar_url: null,
    web_url: `${baseUrl}/${u.username}`,
  };
}

export function projectJson(p: SimProject, baseUrl: string) {
  return {
    id: p.id,
    name: p.name,
    path: p.name,
    path_with_namespace: p.path,
    default_branch: p.defaultBranch,
    web_url: `${baseUrl}/${p.path}`,
    http_url_to_repo: `${baseUrl}/${p.path}.git`,
  };
}

export function mergeRequestJson(s: GitLabSimState, mr: SimMergeRequest, baseUrl: string) {
  const p = s.project(mr.projectId);
  return {
    id: mr.id,
    iid: mr.iid,
    project_id: mr.projectId,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    created_at: iso(mr.createdAt),
    updated_at: iso(mr.updatedAt),
    merged_by: userJson(mr.mergedById === null ? undefined : s.users.get(mr.mergedById), baseUrl),
    merge_user: userJson(mr.mergedById === null ? undefined : s.users.get(mr.mergedById), baseUrl),
    merged_at: iso(mr.mergedAt),
    closed_at: null,
    target_branch: mr.targetBranch,
    source_branch: mr.sourceBranch,
    author: userJson(s.users.get(mr.authorId), baseUrl),
    source_project_id: mr.projectId,
    target_project_id: mr.projectId,
    draft: false,
    sha: mr.sha,
    merge_commit_sha: mr.mergeCommitSha,
    squash_commit_sha: null,
    detailed_merge_status: mr.state === 'opened' ? 'mergeable' : 'not_open',
    web_url: `${baseUrl}/${p.path}/-/merge_requests/${mr.iid}`,
    references: { short: `!${mr.iid}`, full: `${p.path}!${mr.iid}` },
  };
}

export function approvalsJson(s: GitLabSimState, mr: SimMergeRequest, baseUrl: string) {
  return {
    id: mr.id,
    iid: mr.iid,
    project_id: mr.projectId,
    approved: mr.approvedBy.length > 0,
    approved_by: mr.approvedBy.map((id) => ({ user: userJson(s.users.get(id), baseUrl) })),
  };
}

export function noteJson(s: GitLabSimState, n: SimNote, baseUrl: string) {
  return {
    id: n.id,
    type: null,
    body: n.body,
    author: userJson(s.users.get(n.authorId), baseUrl),
    created_at: iso(n.createdAt),
    updated_at: iso(n.updatedAt),
    system: n.system,
    noteable_id: s.mr(n.projectId, n.mrIid).id,
    noteable_type: 'MergeRequest',
    noteable_iid: n.mrIid,
    resolvable: false,
  };
}

export function commitStatusJson(s: GitLabSimState, c: SimCommitStatus, baseUrl: string) {
  return {
    id: c.id,
    sha: c.sha,
    ref: c.ref,
    status: c.status,
    name: c.name,
    target_url: c.targetUrl,
    description: c.description,
    created_at: iso(c.createdAt),
    started_at: null,
    finished_at: ['success', 'failed', 'canceled'].includes(c.status) ? iso(c.createdAt) : null,
    allow_failure: false,
    coverage: null,
    author: userJson(s.users.get(c.authorId), baseUrl),
  };
}

export function deploymentJson(s: GitLabSimState, d: SimDeployment, baseUrl: string) {
  const p = s.project(d.projectId);
  const commit = p.commits.get(d.sha);
  return {
    id: d.id,
    iid: d.iid,
    ref: d.ref,
    sha: d.sha,
    status: d.status,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
    user: userJson(s.users.get(d.userId), baseUrl),
    environment: {
      id: d.projectId * 1000 + d.environment.length,
      name: d.environment,
      external_url: null,
    },
    deployable: {
      id: d.id + 10_000,
      status: d.status === 'blocked' ? 'manual' : d.status,
      commit: commit
        ? {
            id: commit.sha,
            short_id: commit.sha.slice(0, 8),
            title: commit.message.split('\n')[0],
            message: commit.message,
          }
        : null,
    },
    pending_approval_count: Math.max(
      0,
      d.requiredApprovals - d.approvals.filter((a) => a.status === 'approved').length,
    ),
    approvals: d.approvals.map((a) => ({
      user: userJson(s.users.get(a.userId), baseUrl),
      status: a.status,
      created_at: iso(a.at),
      comment: a.comment,
    })),
  };
}
