import type { z } from 'zod';
import {
  ChangebridgeError,
  type HttpClient,
  type HttpClientFactory,
  type QueryValue,
} from '../../src/runtime/index.js';

/**
 * GitLab REST v4 through the shared per-host queue and retry layer. Auth is a personal,
 * project or group access token in `PRIVATE-TOKEN` (https://docs.gitlab.com/api/rest/authentication/).
 * Every answer is checked with zod: a changed or hostile API fails loudly here, not deep in sync.
 */
export interface GitLabClient {
  get<S extends z.ZodType>(
    path: string,
    schema: S,
    params?: Record<string, QueryValue>,
  ): Promise<z.infer<S>>;
  /** Walks `X-Next-Page` (or `Link: rel="next"`) from page 1; yields one array per page. */
  pages<S extends z.ZodType>(
    path: string,
    item: S,
    params: Record<string, QueryValue>,
    signal?: AbortSignal,
  ): AsyncIterable<z.infer<S>[]>;
  send<S extends z.ZodType>(
    method: 'POST' | 'PUT',
    path: string,
    body: unknown,
    schema: S,
  ): Promise<z.infer<S>>;
}

/** `group/sub/project` → `group%2Fsub%2Fproject`: the API takes the path URL-encoded as `:id`. */
export const projectPath = (project: string | number) =>
  `/projects/${encodeURIComponent(String(project))}`;

export function createGitLabClient(
  http: HttpClientFactory,
  baseUrl: string,
  token: string,
): GitLabClient {
  const client: HttpClient = http.client(`${baseUrl.replace(/\/+$/, '')}/api/v4`, {
    // A hook, not a static header: the token is added per attempt and never stored on the instance.
    auth: () => ({ 'PRIVATE-TOKEN': token }),
    headers: { Accept: 'application/json' },
  });

  const check = <S extends z.ZodType>(schema: S, data: unknown, where: string): z.infer<S> => {
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new ChangebridgeError(
      'gitlab',
      `unexpected answer from ${where}: ${issue?.path.join('.') || 'body'} ${issue?.message ?? ''}`.trim(),
      {
        hint: 'check that baseUrl points at a GitLab instance (API v4) and the token can read the project',
      },
    );
  };

  return {
    async get(path, schema, params) {
      const res = await client.get(path, { params });
      return check(schema, res.data, `GET ${path}`);
    },
    async *pages(path, item, params, signal) {
      let page: string | undefined = '1';
      const seen = new Set<string>();
      while (page) {
        // A server that repeats a page number would loop forever: stop instead.
        if (seen.has(page)) break;
        seen.add(page);
        const res = await client.get<unknown>(path, { params: { ...params, page }, signal });
        const items = check(item.array(), res.data, `GET ${path} page ${page}`);
        yield items;
        page = nextPage(res.headers);
      }
    },
    async send(method, path, body, schema) {
      const res = await client.request({ method, url: path, data: body });
      return check(schema, res.data, `${method} ${path}`);
    },
  };
}

/** `X-Next-Page` is empty on the last page; keyset-paged endpoints only send `Link`. */
export function nextPage(headers: Record<string, string>): string | undefined {
  const next = headers['x-next-page']?.trim();
  if (next) return next;
  const link = headers['link'];
  const m = link?.match(/<([^>]+)>;\s*rel="next"/);
  if (!m?.[1]) return undefined;
  return new URL(m[1]).searchParams.get('page') ?? undefined;
}
