import type { SimMergeRequest, SimProject, SimUser } from './model.js';
import type { GitLabSimState, SimHappening } from './state.js';

/**
 * Hook bodies in the shapes of GitLab's webhook_events.md (the fixtures in
 * ../shared/fixtures/gitlab): `object_kind` + `object_attributes`, the mixed timestamp
 * formats included (`YYYY-MM-DD HH:MM:SS UTC` for pipelines/notes, `+0000` for deployments).
 */

const utc = (d: Date) =>
  d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
const offset = (d: Date) =>
  d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' +0000');

function hookUser(u: SimUser | undefined) {
  return u
    ? { id: u.id, name: u.name, username: u.username, avatar_url: null, email: '[REDACTED]' }
    : null;
}

function hookProject(p: SimProject, baseUrl: string) {
  const web = `${baseUrl}/${p.path}`;
  return {
    id: p.id,
    name: p.name,
    description: '',
    web_url: web,
    avatar_url: null,
    git_ssh_url: `git@${new URL(baseUrl).host}:${p.path}.git`,
    git_http_url: `${web}.git`,
    namespace: p.path.split('/')[0],
    visibility_level: 0,
    path_with_namespace: p.path,
    default_branch: p.defaultBranch,
    ci_config_path: null,
    homepage: web,
    url: `${web}.git`,
    ssh_url: `git@${new URL(baseUrl).host}:${p.path}.git`,
    http_url: `${web}.git`,
  };
}

function mrAttributes(
  s: GitLabSimState,
  mr: SimMergeRequest,
  baseUrl: string,
  action: string | null,
) {
  const p = s.project(mr.projectId);
  const commit = p.commits.get(mr.sha);
  return {
    id: mr.id,
    iid: mr.iid,
    target_branch: mr.targetBranch,
    source_branch: mr.sourceBranch,
    source_project_id: mr.projectId,
    target_project_id: mr.projectId,
    author_id: mr.authorId,
    title: mr.title,
    description: mr.description,
    created_at: mr.createdAt.toISOString().replace(/\.\d+Z$/, 'Z'),
    updated_at: mr.updatedAt.toISOString().replace(/\.\d+Z$/, 'Z'),
    state: mr.state,
    merge_status: 'can_be_merged',
    detailed_merge_status: mr.state === 'opened' ? 'mergeable' : 'not_open',
    merge_commit_sha: mr.mergeCommitSha,
    merge_user_id: mr.mergedById,
    url: `${baseUrl}/${p.path}/-/merge_requests/${mr.iid}`,
    source: hookProject(p, baseUrl),
    target: hookProject(p, baseUrl),
    last_commit: commit
      ? {
          id: commit.sha,
          message: commit.message,
          title: commit.message.split('\n')[0],
          timestamp: commit.at.toISOString(),
          url: `${baseUrl}/${p.path}/-/commit/${commit.sha}`,
          author: { name: 'Sim', email: '[REDACTED]' },
        }
      : null,
    labels: [],
    ...(action ? { action } : {}),
  };
}

export function hookBody(s: GitLabSimState, h: SimHappening, baseUrl: string): unknown {
  const p = s.project(h.projectId);
  const project = hookProject(p, baseUrl);
  switch (h.hook) {
    case 'Merge Request Hook':
      return {
        object_kind: 'merge_request',
        event_type: 'merge_request',
        user: hookUser(s.users.get(h.mr!.authorId)),
        project,
        object_attributes: mrAttributes(s, h.mr!, baseUrl, h.detail),
        labels: [],
        changes: {},
        repository: { name: p.name, url: project.url, description: '', homepage: project.homepage },
      };
    case 'External Status Check':
      // status_checks.md: MR-shaped, no `action`, plus the rule that asked.
      return {
        object_kind: 'merge_request',
        event_type: 'merge_request',
        user: hookUser(s.users.get(h.mr!.authorId)),
        project,
        object_attributes: mrAttributes(s, h.mr!, baseUrl, null),
        labels: [],
        changes: {},
        repository: { name: p.name, url: project.url, description: '', homepage: project.homepage },
        external_approval_rule: {
          id: h.rule!.id,
          name: h.rule!.name,
          external_url: h.rule!.externalUrl,
        },
      };
    case 'Push Hook': {
      const push = h.push!;
      const user = s.users.get(push.userId);
      const commits = push.shas.map((sha) => {
        const c = p.commits.get(sha)!;
        return {
          id: sha,
          message: c.message,
          title: c.message.split('\n')[0],
          timestamp: c.at.toISOString(),
          url: `${baseUrl}/${p.path}/-/commit/${sha}`,
          author: { name: user?.name ?? '', email: '[REDACTED]' },
          added: [],
          modified: [],
          removed: [],
        };
      });
      return {
        object_kind: 'push',
        event_name: 'push',
        before: push.before,
        after: push.after,
        ref: push.ref,
        ref_protected: p.protectedBranches.has(push.ref.replace('refs/heads/', '')),
        checkout_sha: push.after,
        user_id: push.userId,
        user_name: user?.name,
        user_username: user?.username,
        user_email: '[REDACTED]',
        project_id: p.id,
        project,
        // GitLab lists at most 20 commits; total_commits_count has the real number.
        commits: commits.slice(-20),
        total_commits_count: commits.length,
      };
    }
    case 'Deployment Hook': {
      const d = h.deployment!;
      const commit = p.commits.get(d.sha);
      return {
        object_kind: 'deployment',
        status: d.status,
        status_changed_at: offset(d.updatedAt),
        deployment_id: d.id,
        deployable_id: d.id + 10_000,
        deployable_url: `${baseUrl}/${p.path}/-/jobs/${d.id + 10_000}`,
        environment: d.environment,
        environment_tier: /prod/i.test(d.environment) ? 'production' : 'staging',
        environment_slug: d.environment.toLowerCase(),
        environment_external_url: null,
        project,
        short_sha: d.sha.slice(0, 8),
        user: hookUser(s.users.get(d.userId)),
        user_url: `${baseUrl}/${s.users.get(d.userId)?.username ?? ''}`,
        commit_url: `${baseUrl}/${p.path}/-/commit/${d.sha}`,
        commit_title: commit?.message.split('\n')[0] ?? '',
        ref: d.ref,
      };
    }
    case 'Pipeline Hook': {
      const pl = h.pipeline!;
      const mr = pl.mrIid === null ? null : s.mr(p.id, pl.mrIid);
      const commit = p.commits.get(pl.sha);
      return {
        object_kind: 'pipeline',
        object_attributes: {
          id: pl.id,
          iid: pl.iid,
          ref: pl.ref,
          tag: false,
          sha: pl.sha,
          status: pl.status,
          detailed_status: pl.status,
          stages: ['test'],
          created_at: utc(pl.createdAt),
          finished_at: null,
          duration: null,
          url: `${baseUrl}/${p.path}/-/pipelines/${pl.id}`,
        },
        merge_request: mr
          ? {
              id: mr.id,
              iid: mr.iid,
              title: mr.title,
              source_branch: mr.sourceBranch,
              target_branch: mr.targetBranch,
              state: mr.state,
              url: `${baseUrl}/${p.path}/-/merge_requests/${mr.iid}`,
            }
          : null,
        user: hookUser(undefined),
        project,
        commit: commit
          ? {
              id: commit.sha,
              message: commit.message,
              title: commit.message.split('\n')[0],
              timestamp: commit.at.toISOString(),
            }
          : null,
        builds: [],
      };
    }
    case 'Note Hook': {
      const n = h.note!;
      const mr = h.mr!;
      return {
        object_kind: 'note',
        event_type: 'note',
        user: hookUser(s.users.get(n.authorId)),
        project_id: p.id,
        project,
        object_attributes: {
          id: n.id,
          note: n.body,
          noteable_type: 'MergeRequest',
          author_id: n.authorId,
          created_at: utc(n.createdAt),
          updated_at: utc(n.updatedAt),
          project_id: p.id,
          noteable_id: mr.id,
          system: n.system,
          action: h.detail,
          url: `${baseUrl}/${p.path}/-/merge_requests/${mr.iid}#note_${n.id}`,
        },
        merge_request: {
          id: mr.id,
          iid: mr.iid,
          title: mr.title,
          source_branch: mr.sourceBranch,
          target_branch: mr.targetBranch,
          state: mr.state,
          description: mr.description,
        },
      };
    }
  }
}
