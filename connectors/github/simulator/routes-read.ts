import { type SimCommitStatus } from './model.js';
import { deploymentJson, pullJson, reviewRestJson, userJson } from './render.js';
import { key, notFound, paged, repoOf, type Handler } from './route-kit.js';

/** Read endpoints of the simulator; lists page like GitHub (per_page ≤ 100, Link). */
export const readRoutes: [string, RegExp, Handler][] = [
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/pulls$/,
    (c) => {
      const repo = repoOf(c);
      if (!repo) return notFound();
      const stateQ = c.query.get('state') ?? 'open';
      let list = [...c.state.pulls.get(repo.full_name)!].filter(
        (p) => stateQ === 'all' || p.state === stateQ,
      );
      const sort = c.query.get('sort') ?? 'created';
      const dir = c.query.get('direction') ?? (sort === 'created' ? 'desc' : 'desc');
      const field = sort === 'updated' ? 'updated_at' : 'created_at';
      list.sort((a, b) =>
        a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : a.number - b.number,
      );
      if (dir === 'desc') list = list.reverse();
      return paged(c, list, (p) => pullJson(repo, p));
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
    (c) => {
      const repo = repoOf(c);
      const pr =
        repo && c.state.pulls.get(repo.full_name)!.find((p) => p.number === Number(c.params[2]));
      return repo && pr ? { status: 200, body: pullJson(repo, pr) } : notFound();
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews$/,
    (c) => {
      const repo = repoOf(c);
      const pr =
        repo && c.state.pulls.get(repo.full_name)!.find((p) => p.number === Number(c.params[2]));
      if (!repo || !pr) return notFound();
      return paged(
        c,
        (c.state.reviews.get(`${repo.full_name}#${pr.number}`) ?? []).map((r) =>
          reviewRestJson(repo, pr, r),
        ),
      );
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/deployments$/,
    (c) => {
      const repo = repoOf(c);
      if (!repo) return notFound();
      const env = c.query.get('environment');
      return paged(
        c,
        c.state.deployments.get(repo.full_name)!.filter((d) => !env || d.environment === env),
        (d) => deploymentJson(repo, d),
      );
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)$/,
    (c) => {
      const repo = repoOf(c);
      const d = repo && c.state.deployment(repo.full_name, Number(c.params[2]));
      return repo && d ? { status: 200, body: deploymentJson(repo, d) } : notFound();
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/,
    (c) => {
      const repo = repoOf(c);
      const d = repo && c.state.deployment(repo.full_name, Number(c.params[2]));
      if (!repo || !d) return notFound();
      return paged(
        c,
        d.statuses.map((s) => ({ ...s, creator: userJson(s.creator) })),
      );
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/status$/,
    (c) => {
      if (!repoOf(c)) return notFound();
      const all = c.state.commitStatuses.get(`${key(c)}@${c.params[2]}`) ?? [];
      const latest = new Map<string, SimCommitStatus>();
      for (const s of all) if (!latest.has(s.context)) latest.set(s.context, s); // newest first
      const statuses = [...latest.values()];
      const state = statuses.some((s) => s.state === 'failure' || s.state === 'error')
        ? 'failure'
        : statuses.length > 0 && statuses.every((s) => s.state === 'success')
          ? 'success'
          : 'pending';
      return {
        status: 200,
        body: {
          state,
          sha: c.params[2],
          total_count: statuses.length,
          statuses: statuses.map((s) => ({ ...s, creator: userJson(s.creator) })),
        },
      };
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/statuses$/,
    (c) =>
      repoOf(c)
        ? paged(
            c,
            (c.state.commitStatuses.get(`${key(c)}@${c.params[2]}`) ?? []).map((s) => ({
              ...s,
              creator: userJson(s.creator),
            })),
          )
        : notFound(),
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
    (c) => {
      if (!repoOf(c) || !c.state.pulls.get(key(c))!.some((p) => p.number === Number(c.params[2])))
        return notFound();
      return paged(
        c,
        (c.state.comments.get(`${key(c)}#${c.params[2]}`) ?? []).map((x) => ({
          ...x,
          user: userJson(x.user),
        })),
      );
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/check-runs$/,
    (c) => {
      if (!repoOf(c)) return notFound();
      const name = c.query.get('check_name');
      const runs = (c.state.checkRuns.get(key(c)) ?? []).filter(
        (r) => r.head_sha === c.params[2] && (!name || r.name === name),
      );
      return { status: 200, body: { total_count: runs.length, check_runs: runs } };
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/,
    (c) => {
      const run = (c.state.checkRuns.get(key(c)) ?? []).find((r) => r.id === Number(c.params[2]));
      return run ? { status: 200, body: run } : notFound();
    },
  ],
  ['GET', /^\/rate_limit$/, () => ({ status: 200, body: { resources: {}, rate: {} } })],
];
