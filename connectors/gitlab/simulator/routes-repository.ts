import { paginate } from './paging.js';
import { commitStatusJson, deploymentJson, userJson } from './represent.js';
import { bad, P, sorted, str, terminal, timeParam, type Route } from './route-kit.js';
import { SimError } from './state.js';

/** The token's user, commit statuses and deployments (REST v4). */
export const repositoryRoutes: Route[] = [
  [
    'GET',
    /^\/user$/,
    (c) => ({ status: 200, body: { ...userJson(c.user, c.baseUrl), email: c.user.email } }),
  ],
  [
    'POST',
    new RegExp(`^${P}/statuses/([0-9a-f]{40})$`),
    (c) => {
      const p = c.state.project(decodeURIComponent(c.match[1]!));
      const sha = c.match[2]!;
      if (!p.commits.has(sha)) throw new SimError(404, { message: '404 Commit Not Found' });
      const state = str(c, 'state');
      if (!state) throw bad('state is missing');
      if (!['pending', 'running', 'success', 'failed', 'canceled'].includes(state))
        throw bad('state does not have a valid value');
      const name = str(c, 'name') ?? str(c, 'context') ?? 'default';
      const ref = str(c, 'ref') ?? null;
      const latest = c.state.statuses
        .filter((s) => s.projectId === p.id && s.sha === sha && s.name === name && s.ref === ref)
        .at(-1);
      // A running job cannot be moved to the state it is already in (GitLab's state machine).
      if (latest && !terminal.has(latest.status) && latest.status === state) {
        const verb = state === 'running' ? 'run' : 'enqueue';
        throw new SimError(400, {
          message: `Cannot transition status via :${verb} from :${latest.status} (Reason(s): Status cannot transition via "${verb}")`,
        });
      }
      const created = c.state.setCommitStatus({
        projectId: p.id,
        sha,
        ref,
        name,
        status: state as 'pending',
        description: str(c, 'description') ?? null,
        targetUrl: str(c, 'target_url') ?? null,
        authorId: c.user.id,
      });
      return { status: 201, body: commitStatusJson(c.state, created, c.baseUrl) };
    },
  ],
  [
    'GET',
    new RegExp(`^${P}/repository/commits/([0-9a-f]{40})/statuses$`),
    (c) => {
      const p = c.state.project(decodeURIComponent(c.match[1]!));
      const sha = c.match[2]!;
      if (!p.commits.has(sha)) throw new SimError(404, { message: '404 Commit Not Found' });
      const name = c.query.get('name');
      let list = c.state.statuses.filter(
        (s) => s.projectId === p.id && s.sha === sha && (!name || s.name === name),
      );
      // Without all=true only the latest status per name is returned.
      if (c.query.get('all') !== 'true') {
        const latest = new Map<string, (typeof list)[number]>();
        for (const s of list) latest.set(s.name, s);
        list = [...latest.values()];
      }
      const { page, headers } = paginate([...list].reverse(), c.query, c.publicUrl);
      return {
        status: 200,
        body: page.map((s) => commitStatusJson(c.state, s, c.baseUrl)),
        headers,
      };
    },
  ],
  [
    'GET',
    new RegExp(`^${P}/deployments$`),
    (c) => {
      const p = c.state.project(decodeURIComponent(c.match[1]!));
      const after = timeParam(c.query, 'updated_after');
      if (after !== null && c.query.get('order_by') !== 'updated_at') {
        throw new SimError(400, {
          message: '400 Bad request - `updated_at` filter and `updated_at` sorting must be paired',
        });
      }
      let list = c.state.deployments.filter((d) => d.projectId === p.id);
      const env = c.query.get('environment');
      if (env) list = list.filter((d) => d.environment === env);
      if (after !== null) list = list.filter((d) => d.updatedAt.getTime() > after);
      list = sorted(
        list,
        c.query,
        ['id', 'iid', 'created_at', 'updated_at', 'finished_at', 'ref'],
        (d, by) =>
          by === 'updated_at'
            ? d.updatedAt.getTime()
            : by === 'created_at'
              ? d.createdAt.getTime()
              : d.id,
      );
      const { page, headers } = paginate(list, c.query, c.publicUrl);
      return { status: 200, body: page.map((d) => deploymentJson(c.state, d, c.baseUrl)), headers };
    },
  ],
  [
    'GET',
    new RegExp(`^${P}/deployments/(\\d+)$`),
    (c) => {
      const p = c.state.project(decodeURIComponent(c.match[1]!));
      return {
        status: 200,
        body: deploymentJson(c.state, c.state.deployment(p.id, Number(c.match[2])), c.baseUrl),
      };
    },
  ],
  [
    'POST',
    new RegExp(`^${P}/deployments/(\\d+)/approval$`),
    (c) => {
      const p = c.state.project(decodeURIComponent(c.match[1]!));
      const status = str(c, 'status');
      if (status !== 'approved' && status !== 'rejected')
        throw bad('status does not have a valid value');
      const d = c.state.approveDeployment(
        p.id,
        Number(c.match[2]),
        c.user.id,
        status,
        str(c, 'comment') ?? null,
      );
      const a = d.approvals.find((x) => x.userId === c.user.id)!;
      return {
        status: 201,
        body: {
          user: userJson(c.user, c.baseUrl),
          status: a.status,
          created_at: a.at.toISOString(),
          comment: a.comment,
        },
      };
    },
  ],
];
