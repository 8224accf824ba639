import type { SimDeployment, SimPull, SimRepo, SimReview, SimUser } from './model.js';

/** REST/webhook JSON for simulator records (the subset of fields GitHub always sends). */
export function userJson(u: SimUser): Record<string, unknown> {
  return {
    login: u.login,
    id: u.id,
    node_id: `U_${u.id}`,
    type: u.type,
    site_admin: false,
    html_url: `https://github.com/${u.login}`,
  };
}

export function repoJson(r: SimRepo): Record<string, unknown> {
  return {
    id: r.id,
    node_id: `R_${r.id}`,
    name: r.name,
    full_name: r.full_name,
    private: r.private,
    owner: userJson(r.owner),
    html_url: r.html_url,
    url: `https://api.github.com/repos/${r.full_name}`,
    default_branch: r.default_branch,
  };
}

export function pullJson(repo: SimRepo, p: SimPull): Record<string, unknown> {
  const api = `https://api.github.com/repos/${repo.full_name}`;
  return {
    id: p.id,
    node_id: `PR_${p.id}`,
    number: p.number,
    url: `${api}/pulls/${p.number}`,
    html_url: `${repo.html_url}/pull/${p.number}`,
    state: p.state,
    locked: false,
    title: p.title,
    body: p.body,
    draft: p.draft,
    user: userJson(p.user),
    created_at: p.created_at,
    updated_at: p.updated_at,
    closed_at: p.closed_at,
    merged_at: p.merged_at,
    merge_commit_sha: p.merge_commit_sha,
    merged: p.merged,
    merged_by: p.merged_by ? userJson(p.merged_by) : null,
    head: {
      label: `${repo.owner.login}:${p.head.ref}`,
      ref: p.head.ref,
      sha: p.head.sha,
      user: userJson(repo.owner),
      repo: repoJson(repo),
    },
    base: {
      label: `${repo.owner.login}:${p.base.ref}`,
      ref: p.base.ref,
      sha: p.base.sha,
      user: userJson(repo.owner),
      repo: repoJson(repo),
    },
    author_association: 'MEMBER',
  };
}

export function reviewJson(repo: SimRepo, p: SimPull, r: SimReview): Record<string, unknown> {
  return {
    id: r.id,
    node_id: `PRR_${r.id}`,
    user: userJson(r.user),
    body: r.body,
    state: r.state.toLowerCase() === 'approved' ? 'approved' : r.state.toLowerCase(),
    html_url: `${repo.html_url}/pull/${p.number}#pullrequestreview-${r.id}`,
    pull_request_url: `https://api.github.com/repos/${repo.full_name}/pulls/${p.number}`,
    commit_id: r.commit_id,
    submitted_at: r.submitted_at,
    author_association: 'MEMBER',
  };
}

/** REST lists reviews with upper-case states; webhooks use lower case (both as GitHub does). */
export function reviewRestJson(repo: SimRepo, p: SimPull, r: SimReview): Record<string, unknown> {
  return { ...reviewJson(repo, p, r), state: r.state };
}

export function deploymentJson(repo: SimRepo, d: SimDeployment): Record<string, unknown> {
  return {
    id: d.id,
    node_id: `DE_${d.id}`,
    url: `https://api.github.com/repos/${repo.full_name}/deployments/${d.id}`,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: userJson(d.creator),
    created_at: d.created_at,
    updated_at: d.updated_at,
    transient_environment: false,
    production_environment: /^prod/i.test(d.environment),
  };
}
