import { deploymentJson, mergeRequestJson, userJson } from './represent.js';
import { bad, P, str, type Route } from './route-kit.js';
import { SimError } from './state.js';

/**
 * The write endpoints a demo or test drives the simulator with, as GitLab has them:
 * create commits (`POST /repository/commits`), merge requests, deployments and their
 * status. Each fires the same hooks the UI action would.
 */
export const writeRoutes: Route[] = [
  [
    'POST',
    new RegExp(`^${P}/repository/commits$`),
    (c) => {
      const p = c.state.project(decodeURIComponent(c.match[1]!));
      const branch = str(c, 'branch');
      const message = str(c, 'commit_message');
      if (!branch) throw bad('branch is missing');
      if (!message) throw bad('commit_message is missing');
      if (!Array.isArray(c.body.actions)) throw bad('actions is missing');
      if (!p.branches.has(branch)) {
        const start = str(c, 'start_branch');
        const from = start === undefined ? undefined : p.branches.get(start);
        if (!from) {
          throw new SimError(400, {
            message: 'You can only create or edit files when you are on a branch',
          });
        }
        p.branches.set(branch, from);
      }
      const sha = c.state.push(p.id, branch, [message], c.user.id);
      const at = p.commits.get(sha)!.at.toISOString();
      return {
        status: 201,
        body: {
          id: sha,
          short_id: sha.slice(0, 8),
          title: message.split('\n')[0],
          message,
          author_name: c.user.name,
          created_at: at,
          committed_date: at,
          web_url: `${c.baseUrl}/${p.path}/-/commit/${sha}`,
        },
      };
    },
  ],
  [
    'POST',
    new RegExp(`^${P}/merge_requests$`),
    (c) => {
      const p = c.state.project(decodeURIComponent(c.match[1]!));
      const source = str(c, 'source_branch');
      const target = str(c, 'target_branch');
      const title = str(c, 'title');
      if (!source) throw bad('source_branch is missing');
      if (!target) throw bad('target_branch is missing');
      if (!title) throw bad('title is missing');
      if (!p.branches.has(source) || !p.branches.has(target)) {
        throw new SimError(400, {
          message: ['Validate branches Source branch or target branch does not exist'],
        });
      }
      const open = c.state.mergeRequests.find(
        (m) =>
          m.projectId === p.id &&
          m.sourceBranch === source &&
          m.targetBranch === target &&
          m.state === 'opened',
      );
      if (open) {
        throw new SimError(409, {
          message: [
            `Another open merge request already exists for this source branch: !${open.iid}`,
          ],
        });
      }
      const mr = c.state.openMergeRequest(p.id, {
        title,
        description: str(c, 'description') ?? '',
        sourceBranch: source,
        targetBranch: target,
        authorId: c.user.id,
      });
      return { status: 201, body: mergeRequestJson(c.state, mr, c.baseUrl) };
    },
  ],
  [
    'POST',
    new RegExp(`^${P}/deployments$`),
    (c) => {
      const p = c.state.project(decodeURIComponent(c.match[1]!));
      for (const field of ['environment', 'sha', 'ref', 'tag', 'status']) {
        if (str(c, field) === undefined && typeof c.body[field] !== 'boolean')
          throw bad(`${field} is missing`);
      }
      const status = str(c, 'status');
      if (!['running', 'success', 'failed', 'canceled'].includes(status ?? ''))
        throw bad('status does not have a valid value');
      const sha = str(c, 'sha')!;
      if (!p.commits.has(sha)) throw new SimError(400, { message: { sha: ['is invalid'] } });
      const d = c.state.deploy(p.id, {
        environment: str(c, 'environment')!,
        ref: str(c, 'ref')!,
        sha,
        userId: c.user.id,
      });
      const final =
        status === 'running' ? d : c.state.setDeploymentStatus(p.id, d.id, status as 'success');
      return { status: 201, body: deploymentJson(c.state, final, c.baseUrl) };
    },
  ],
  [
    'PUT',
    new RegExp(`^${P}/deployments/(\\d+)$`),
    (c) => {
      const p = c.state.project(decodeURIComponent(c.match[1]!));
      const status = str(c, 'status');
      if (!['running', 'success', 'failed', 'canceled'].includes(status ?? ''))
        throw bad('status does not have a valid value');
      const d = c.state.setDeploymentStatus(p.id, Number(c.match[2]), status as 'success');
      return {
        status: 200,
        body: { ...deploymentJson(c.state, d, c.baseUrl), user: userJson(c.user, c.baseUrl) },
      };
    },
  ],
];
