import type { Caller, Credentials } from './credentials.js';
import { ghTime } from './model.js';

import type { GitHubSimState } from './state.js';

/** REST handlers of the simulator, strict like GitHub: 404 for unknown records, 422 for bad bodies. */
export interface RouteContext {
  state: GitHubSimState;
  credentials: Credentials;
  caller: Caller;
  params: string[];
  query: URLSearchParams;
  body: unknown;
  nowMs: number;
  /** Absolute URL of the request without query, for Link headers. */
  url: string;
}
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
export type Handler = (c: RouteContext) => RouteResult;

export const DOCS = 'https://docs.github.com/rest';
export const notFound = (): RouteResult => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: DOCS, status: '404' },
});
export const invalid = (message: string, field?: string): RouteResult => ({
  status: 422,
  body: {
    message: 'Validation Failed',
    errors: [{ resource: 'Request', code: 'invalid', ...(field ? { field } : {}), message }],
    documentation_url: DOCS,
    status: '422',
  },
});
export const forbidden = (message: string): RouteResult => ({
  status: 403,
  body: { message, documentation_url: DOCS, status: '403' },
});

export const obj = (b: unknown): Record<string, unknown> =>
  typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
export const str = (v: unknown): v is string => typeof v === 'string';

/**
 * GitHub paging: `per_page` ≤ 100 (default 30), `page` from 1, `Link` with next/last.
 * `render` turns only the page's items into JSON (a repository may hold thousands).
 */
export function paged<T>(
  c: RouteContext,
  items: readonly T[],
  render: (item: T) => unknown = (item) => item,
): RouteResult {
  const perPage = Math.min(100, Math.max(1, Number(c.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(c.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const links: string[] = [];
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams(c.query);
    q.set('page', String(p));
    q.set('per_page', String(perPage));
    links.push(`<${c.url}?${q.toString()}>; rel="${rel}"`);
  };
  if (page < last) {
    link(page + 1, 'next');
    link(last, 'last');
  }
  if (page > 1) {
    link(1, 'first');
    link(page - 1, 'prev');
  }
  return {
    status: 200,
    body: items.slice((page - 1) * perPage, page * perPage).map(render),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}

export const repoOf = (c: RouteContext) => c.state.repos.get(`${c.params[0]}/${c.params[1]}`);
export const key = (c: RouteContext) => `${c.params[0]}/${c.params[1]}`;
export const record = (c: RouteContext, method: string, path: string) =>
  c.state.writes.push({ method, path, at: ghTime(new Date(c.nowMs)) });
