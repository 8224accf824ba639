import { z } from 'zod';
import { ChangebridgeError, type HttpClient } from '../../src/runtime/index.js';
import { createGitHubAuth, type GitHubAuth } from './auth.js';
import type { GitHubConnectorDeps, GitHubConnectorOptions } from './options.js';
import {
  checkRunListSchema,
  checkRunSchema,
  combinedStatusSchema,
  deploymentSchema,
  deploymentStatusSchema,
  issueCommentSchema,
  pullRequestSchema,
  reviewSchema,
} from './schemas.js';

/**
 * The GitHub REST calls the connector makes, each with its doc reference, every response
 * checked with zod. All traffic goes through the shared per-host queue and retry layer.
 */
const API_HEADERS = {
  // Prism (and strict proxies) reject the vendor type alone: offer plain JSON as well.
  Accept: 'application/vnd.github+json, application/json',
  'X-GitHub-Api-Version': '2022-11-28',
  'User-Agent': 'changebridge',
};

export interface Page<T> {
  items: T[];
  /** From the `Link: <…>; rel="next"` header: GitHub's only reliable end-of-list signal. */
  hasNext: boolean;
}

export type GitHubApi = ReturnType<typeof createGitHubApi>;

export function createGitHubApi(options: GitHubConnectorOptions, deps: GitHubConnectorDeps) {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const bare = deps.http.client(apiUrl, { headers: API_HEADERS });
  const auth: GitHubAuth = createGitHubAuth(options.auth, () => bare, deps.clock);
  const clients = new Map<number | undefined, HttpClient>();
  const rest = (installationId?: number): HttpClient => {
    let c = clients.get(installationId);
    if (!c) {
      c = deps.http.client(apiUrl, {
        headers: API_HEADERS,
        auth: () => auth.headers(installationId),
      });
      clients.set(installationId, c);
    }
    return c;
  };
  const parse = <S extends z.ZodType>(schema: S, data: unknown, what: string): z.infer<S> => {
    const r = schema.safeParse(data);
    if (!r.success) {
      throw new ChangebridgeError(
        'github',
        `${what}: unexpected response shape (${r.error.issues[0]?.message ?? 'invalid'})`,
        {
          hint: `check apiUrl (${apiUrl}) is the GitHub REST API`,
        },
      );
    }
    return r.data;
  };
  const list = async <S extends z.ZodType>(
    schema: S,
    url: string,
    params: Record<string, string | number>,
    what: string,
  ): Promise<Page<z.infer<S>>> => {
    const res = await rest().get<unknown>(url, { params });
    const arr = parse(z.array(z.unknown()), res.data, what);
    return {
      items: arr.map((item) => parse(schema, item, what)),
      hasNext: /rel="next"/.test(res.headers.link ?? ''),
    };
  };
  const repoPath = (repo: string) => `/repos/${splitRepo(repo).join('/')}`;

  return {
    auth,
    apiUrl,
    // https://docs.github.com/rest/pulls/pulls#list-pull-requests (no `since`: sort by updated)
    listPulls: (
      repo: string,
      page: number,
      direction: 'asc' | 'desc' = 'desc',
      sort: 'updated' | 'created' = 'updated',
    ) =>
      list(
        pullRequestSchema,
        `${repoPath(repo)}/pulls`,
        { state: 'all', sort, direction, per_page: 100, page },
        `${repo} pulls`,
      ),
    getPull: async (repo: string, n: number) =>
      parse(
        pullRequestSchema,
        (await rest().get(`${repoPath(repo)}/pulls/${n}`)).data,
        `${repo}#${n}`,
      ),
    // https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request
    listReviews: (repo: string, n: number, page: number) =>
      list(
        reviewSchema,
        `${repoPath(repo)}/pulls/${n}/reviews`,
        { per_page: 100, page },
        `${repo}#${n} reviews`,
      ),
    // https://docs.github.com/rest/deployments/deployments#list-deployments (newest first)
    listDeployments: (repo: string, page: number) =>
      list(
        deploymentSchema,
        `${repoPath(repo)}/deployments`,
        { per_page: 100, page },
        `${repo} deployments`,
      ),
    getDeployment: async (repo: string, id: number) =>
      parse(
        deploymentSchema,
        (await rest().get(`${repoPath(repo)}/deployments/${id}`)).data,
        `${repo} deployment ${id}`,
      ),
    listDeploymentStatuses: (repo: string, id: number) =>
      list(
        deploymentStatusSchema,
        `${repoPath(repo)}/deployments/${id}/statuses`,
        { per_page: 100, page: 1 },
        `${repo} deployment ${id} statuses`,
      ),
    // https://docs.github.com/rest/commits/statuses#get-the-combined-status-for-a-specific-reference
    getCombinedStatus: async (repo: string, sha: string) =>
      parse(
        combinedStatusSchema,
        (await rest().get(`${repoPath(repo)}/commits/${sha}/status`, { params: { per_page: 100 } }))
          .data,
        `${repo}@${sha} status`,
      ),
    // https://docs.github.com/rest/commits/statuses#create-a-commit-status
    createStatus: async (
      repo: string,
      sha: string,
      body: { state: string; context: string; description: string; target_url?: string },
    ) => (await rest().post(`${repoPath(repo)}/statuses/${sha}`, body)).status,
    // https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference
    listCheckRuns: async (repo: string, sha: string, name: string) =>
      parse(
        checkRunListSchema,
        (
          await rest().get(`${repoPath(repo)}/commits/${sha}/check-runs`, {
            params: { check_name: name, filter: 'latest' },
          })
        ).data,
        `${repo}@${sha} check runs`,
      ),
    createCheckRun: async (repo: string, body: Record<string, unknown>) =>
      parse(
        checkRunSchema,
        (await rest().post(`${repoPath(repo)}/check-runs`, body)).data,
        `${repo} check run`,
      ),
    updateCheckRun: async (repo: string, id: number, body: Record<string, unknown>) =>
      parse(
        checkRunSchema,
        (await rest().patch(`${repoPath(repo)}/check-runs/${id}`, body)).data,
        `${repo} check run ${id}`,
      ),
    // https://docs.github.com/rest/issues/comments (a PR is an issue for comments)
    listComments: (repo: string, n: number, page: number) =>
      list(
        issueCommentSchema,
        `${repoPath(repo)}/issues/${n}/comments`,
        { per_page: 100, page },
        `${repo}#${n} comments`,
      ),
    createComment: async (repo: string, n: number, body: string) =>
      parse(
        issueCommentSchema,
        (await rest().post(`${repoPath(repo)}/issues/${n}/comments`, { body })).data,
        `${repo}#${n} comment`,
      ),
    updateComment: async (repo: string, id: number, body: string) =>
      parse(
        issueCommentSchema,
        (await rest().patch(`${repoPath(repo)}/issues/comments/${id}`, { body })).data,
        `${repo} comment ${id}`,
      ),
    // https://docs.github.com/rest/actions/workflow-runs#review-custom-deployment-protection-rules-for-a-workflow-run
    // Needs the token of the installation the event came from.
    reviewProtectionRule: async (
      repo: string,
      runId: number,
      body: { environment_name: string; state: 'approved' | 'rejected'; comment: string },
      installationId?: number,
    ) =>
      (
        await rest(installationId).post(
          `${repoPath(repo)}/actions/runs/${runId}/deployment_protection_rule`,
          body,
        )
      ).status,
  };
}

export function splitRepo(repo: string): [string, string] {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repo);
  if (!m) {
    throw new ChangebridgeError('github', `"${repo}" is not an owner/repo name`, {
      hint: 'write repositories as "owner/repo", e.g. acme/payments',
    });
  }
  return [m[1]!, m[2]!];
}
