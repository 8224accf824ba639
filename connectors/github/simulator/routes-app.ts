import { ghTime, type SimCheckRun } from './model.js';

import {
  forbidden,
  invalid,
  key,
  notFound,
  obj,
  record,
  repoOf,
  str,
  DOCS,
  type Handler,
} from './route-kit.js';

/** Endpoints only a GitHub App may use: installation tokens, check runs, protection-rule reviews. */
export const appRoutes: [string, RegExp, Handler][] = [
  [
    'POST',
    /^\/app\/installations\/(\d+)\/access_tokens$/,
    (c) => {
      if (c.caller.kind !== 'app')
        return {
          status: 401,
          body: {
            message: 'A JSON web token could not be decoded',
            documentation_url: DOCS,
            status: '401',
          },
        };
      const t = c.credentials.issue(Number(c.params[0]), c.nowMs);
      return t
        ? {
            status: 201,
            body: {
              ...t,
              permissions: {
                checks: 'write',
                statuses: 'write',
                deployments: 'write',
                pull_requests: 'write',
              },
              repository_selection: 'all',
            },
          }
        : notFound();
    },
  ],
  [
    'POST',
    /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/,
    (c) => {
      if (c.caller.kind !== 'installation')
        return forbidden('You must authenticate via a GitHub App.');
      if (!repoOf(c)) return notFound();
      const b = obj(c.body);
      if (!str(b.name) || !str(b.head_sha))
        return invalid('name and head_sha are required', 'name');
      const status = (str(b.status) ? b.status : 'queued') as SimCheckRun['status'];
      if (status === 'completed' && !str(b.conclusion))
        return invalid('conclusion is required when status is completed', 'conclusion');
      const now = ghTime(new Date(c.nowMs));
      const out = obj(b.output);
      const run: SimCheckRun = {
        id: c.state.id(),
        name: b.name,
        head_sha: b.head_sha,
        status,
        conclusion: str(b.conclusion) ? b.conclusion : null,
        details_url: str(b.details_url) ? b.details_url : null,
        output: {
          title: str(out.title) ? out.title : null,
          summary: str(out.summary) ? out.summary : null,
        },
        app_id: 1,
        started_at: now,
        completed_at: status === 'completed' ? now : null,
      };
      c.state.checkRuns.set(key(c), [run, ...(c.state.checkRuns.get(key(c)) ?? [])]);
      record(c, 'POST', `/repos/${key(c)}/check-runs`);
      return { status: 201, body: run };
    },
  ],
  [
    'PATCH',
    /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/,
    (c) => {
      if (c.caller.kind !== 'installation')
        return forbidden('You must authenticate via a GitHub App.');
      const run = (c.state.checkRuns.get(key(c)) ?? []).find((r) => r.id === Number(c.params[2]));
      if (!run) return notFound();
      const b = obj(c.body);
      const out = obj(b.output);
      if (str(b.status)) run.status = b.status as SimCheckRun['status'];
      if (str(b.conclusion)) {
        run.conclusion = b.conclusion;
        run.status = 'completed';
        run.completed_at = ghTime(new Date(c.nowMs));
      }
      if (str(out.title)) run.output.title = out.title;
      if (str(out.summary)) run.output.summary = out.summary;
      record(c, 'PATCH', `/repos/${key(c)}/check-runs/${run.id}`);
      return { status: 200, body: run };
    },
  ],
  [
    'POST',
    /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule$/,
    (c) => {
      if (c.caller.kind !== 'installation')
        return forbidden('Resource not accessible by personal access token');
      const b = obj(c.body);
      if (!str(b.environment_name) || !['approved', 'rejected'].includes(String(b.state)))
        return invalid('environment_name and state (approved|rejected) are required', 'state');
      const req = c.state.protectionRequests.find(
        (r) =>
          r.repo === key(c) &&
          r.runId === Number(c.params[2]) &&
          r.environment === b.environment_name,
      );
      if (!req) return notFound();
      if (req.answer)
        return invalid(
          'No pending deployment protection rule review for this environment',
          'environment_name',
        );
      req.answer = {
        state: b.state as 'approved' | 'rejected',
        comment: str(b.comment) ? b.comment : '',
        at: ghTime(new Date(c.nowMs)),
      };
      record(c, 'POST', `/repos/${key(c)}/actions/runs/${req.runId}/deployment_protection_rule`);
      return { status: 204 };
    },
  ],
];
