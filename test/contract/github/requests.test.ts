import { generateKeyPairSync } from 'node:crypto';
import { createGitHubConnector, type GitHubConnector } from '../../../connectors/github/index.js';
import { checkRunBody } from '../../../connectors/github/writeback.js';
import {
  createHttpClientFactory,
  createNullLogger,
  HttpError,
  systemClock,
  type HttpClient,
  type HttpClientFactory,
  type HttpResponse,
} from '../../../src/runtime/index.js';
import { startPrism } from './prism.js';

/**
 * Every request shape the GitHub connector sends, replayed against prism serving the
 * shared GitHub OpenAPI subset: prism answers 422 with `sl-violations` when a request
 * breaks the spec. Two calls the connector makes are not in the subset (listed below).
 */
const SHA = 'a'.repeat(40);
type Seen = { method: string; url: string; status: number; violations: string | null };

/** Wraps the factory so every response's `sl-violations` header is recorded. */
function recording(factory: HttpClientFactory, seen: Seen[]): HttpClientFactory {
  const wrap = (c: HttpClient): HttpClient => {
    const request = async <T>(
      req: Parameters<HttpClient['request']>[0],
    ): Promise<HttpResponse<T>> => {
      try {
        const res = await c.request<T>(req);
        seen.push({
          method: req.method,
          url: req.url,
          status: res.status,
          violations: res.headers['sl-violations'] ?? null,
        });
        return res;
      } catch (error) {
        if (error instanceof HttpError) {
          // Without a 422 in the spec, prism puts the violations in a problem+json body.
          const body = error.body as { validation?: { location: string[] }[] } | undefined;
          const fromBody = body?.validation?.map((v) => ({
            ...v,
            location: ['request', ...v.location],
          }));
          seen.push({
            method: req.method,
            url: req.url,
            status: error.status ?? 0,
            violations:
              error.responseHeaders['sl-violations'] ??
              (fromBody ? JSON.stringify(fromBody) : null),
          });
        }
        throw error;
      }
    };
    return {
      baseUrl: c.baseUrl,
      request,
      get: (url, o) => request({ ...o, method: 'GET', url }),
      post: (url, data, o) => request({ ...o, method: 'POST', url, data }),
      put: (url, data, o) => request({ ...o, method: 'PUT', url, data }),
      patch: (url, data, o) => request({ ...o, method: 'PATCH', url, data }),
      delete: (url, o) => request({ ...o, method: 'DELETE', url }),
    };
  };
  return { ...factory, client: (base, o) => wrap(factory.client(base, o)) };
}

describe('GitHub request shapes against the OpenAPI subset (prism)', () => {
  let prism: { url: string; stop(): Promise<void> };
  const seen: Seen[] = [];
  let token: GitHubConnector;
  let app: GitHubConnector;
  beforeAll(async () => {
    prism = await startPrism();
    const http = recording(
      createHttpClientFactory({
        logger: createNullLogger(),
        defaults: { maxRetries: 0, intervalCap: 0 },
      }),
      seen,
    );
    const deps = { http, logger: createNullLogger(), clock: systemClock };
    const base = {
      name: 'gh',
      apiUrl: prism.url,
      webhookSecrets: ['s'],
      repositories: ['octocat/hello-world'],
    };
    token = createGitHubConnector(
      { ...base, auth: { type: 'token', token: 'ghp_contract000000000000000' } },
      deps,
    );
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    app = createGitHubConnector(
      { ...base, auth: { type: 'app', appId: 1, privateKey, installationId: 42 } },
      deps,
    );
  }, 90_000);
  afterAll(() => prism?.stop());

  /** Runs a call, tolerating response-shape differences of the mock: the request is what counts. */
  const send = async (fn: () => Promise<unknown>) => {
    const before = seen.length;
    await fn().catch(() => undefined);
    const mine = seen.slice(before);
    expect(mine.length).toBeGreaterThan(0);
    return mine;
  };
  /**
   * Request violations only: prism also flags its own example responses where they break
   * the spec (e.g. `requested_teams[0].type`), which says nothing about our requests.
   */
  const requestViolations = (header: string | null) =>
    header === null
      ? []
      : (JSON.parse(header) as { location: string[]; message: string }[]).filter(
          (v) => v.location[0] === 'request',
        );
  const clean = (calls: Seen[]) => {
    for (const c of calls) {
      expect({ ...c, violations: requestViolations(c.violations) }).toEqual({
        ...c,
        violations: [],
      });
      expect(c.status).toBeLessThan(400);
    }
  };

  it('control: prism does flag a request that breaks the spec', async () => {
    const calls = await send(() =>
      token.api.createStatus('octocat/hello-world', SHA, {
        state: 'green',
        context: 'c',
        description: 'd',
      }),
    );
    expect(calls[0]!.status).toBe(422);
    expect(requestViolations(calls[0]!.violations).length).toBeGreaterThan(0);
  });

  it('poll reads: pulls, reviews, deployments, deployment statuses', async () => {
    clean(await send(() => token.api.listPulls('octocat/hello-world', 1, 'desc')));
    clean(await send(() => token.api.getPull('octocat/hello-world', 1347)));
    clean(await send(() => token.api.listReviews('octocat/hello-world', 1347, 1)));
    clean(await send(() => token.api.listDeployments('octocat/hello-world', 1)));
    clean(await send(() => token.api.getDeployment('octocat/hello-world', 42)));
    clean(await send(() => token.api.listDeploymentStatuses('octocat/hello-world', 42)));
  });

  it('commit status write-back: read the combined status, then create', async () => {
    clean(
      await send(() =>
        token.execute({
          operation: 'github.status',
          target: `octocat/hello-world@${SHA}`,
          idempotencyKey: 'k',
          payload: {
            state: 'failure',
            description: 'CHG0030001 is not approved',
            targetUrl: 'https://changebridge.example.com/changes/CHG0030001',
          },
        }),
      ),
    );
  });

  it('PR comment write-back: list comments, then create', async () => {
    clean(
      await send(() =>
        token.execute({
          operation: 'github.comment',
          target: 'octocat/hello-world#1347',
          idempotencyKey: 'k',
          payload: { blocking: true, body: 'Blocked: CHG0030001 is not approved.' },
        }),
      ),
    );
  });

  it('App: installation token, check run create and update', async () => {
    const p = {
      conclusion: 'failure' as const,
      title: 'Not approved',
      summary: 'CHG0030001 awaits approval',
    };
    const calls = await send(() =>
      app.api.createCheckRun('octocat/hello-world', {
        name: 'changebridge/governance',
        head_sha: SHA,
        ...checkRunBody(p, 'https://changebridge.example.com/x'),
      }),
    );
    expect(calls.map((c) => c.url)).toEqual([
      '/app/installations/42/access_tokens',
      '/repos/octocat/hello-world/check-runs',
    ]);
    clean(calls);
    clean(
      await send(() =>
        app.api.updateCheckRun(
          'octocat/hello-world',
          4,
          checkRunBody({ ...p, conclusion: 'success' }),
        ),
      ),
    );
  });

  it('deployment protection rule review through the callback endpoint', async () => {
    clean(
      await send(() =>
        app.execute({
          operation: 'github.deployment_review',
          target: 'octocat/hello-world/actions/runs/88',
          idempotencyKey: 'k',
          payload: {
            environment: 'production',
            state: 'rejected',
            comment: 'CHG0030001 is not approved (approval-required).',
            installationId: 42,
          },
        }),
      ),
    );
  });

  it('calls outside the subset are the two documented ones only', async () => {
    // GET /commits/{ref}/check-runs and PATCH /issues/comments/{id} are real GitHub
    // endpoints the subset lacks; prism answers them 404 (no route), not a violation.
    const a = await send(() =>
      app.api.listCheckRuns('octocat/hello-world', SHA, 'changebridge/governance'),
    );
    const b = await send(() => token.api.updateComment('octocat/hello-world', 1, 'x'));
    for (const c of [...a.slice(-1), ...b])
      expect(c).toMatchObject({ status: 404, violations: null });
  });
});
