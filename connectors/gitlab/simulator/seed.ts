import type { SimUser } from './model.js';
import type { GitLabSimState } from './state.js';

/**
 * Fills a simulator with a small, realistic story: a project whose MRs reference change
 * numbers and Jira keys in title, branch and description, approvals, a merge, pipelines,
 * and deployments to staging and (approval-gated) production.
 */
export interface SeedOptions {
  project?: string;
  /** Token of the integration user changebridge will use; random when omitted. */
  token?: string;
  mergeRequests?: number;
}

export interface SeedResult {
  bot: SimUser;
  developer: SimUser;
  reviewer: SimUser;
  projectId: number;
}

export function seedGitLab(state: GitLabSimState, options: SeedOptions = {}): SeedResult {
  const bot = state.addUser({
    username: 'changebridge-bot',
    name: 'changebridge',
    email: 'bot@example.com',
    ...(options.token ? { token: options.token } : {}),
  });
  const developer = state.addUser({
    username: 'dev',
    name: 'Dana Developer',
    email: 'dana@example.com',
  });
  const reviewer = state.addUser({
    username: 'rev',
    name: 'Robin Reviewer',
    email: 'robin@example.com',
  });
  const project = state.addProject(options.project ?? 'acme/payments', { authorId: developer.id });
  const count = options.mergeRequests ?? 3;
  for (let i = 1; i <= count; i++) {
    const chg = `CHG${String(30000 + i).padStart(7, '0')}`;
    const mr = state.openMergeRequest(project.id, {
      title: `${chg}: payment change ${i}`,
      description: `Implements OPS-${100 + i}. See the change ${chg}.`,
      sourceBranch: `feature/ops-${100 + i}-change`,
      authorId: developer.id,
    });
    state.runPipeline(project.id, mr.sourceBranch, 'success', mr.iid);
    if (i % 2 === 1) {
      state.approve(project.id, mr.iid, reviewer.id);
      state.merge(project.id, mr.iid, reviewer.id);
    }
  }
  state.deploy(project.id, {
    environment: 'staging',
    ref: project.defaultBranch,
    userId: developer.id,
  });
  state.deploy(project.id, {
    environment: 'production',
    ref: project.defaultBranch,
    userId: developer.id,
    requiredApprovals: 1,
  });
  return { bot, developer, reviewer, projectId: project.id };
}
