import type { SimUser } from './model.js';
import { SimError, type GitLabSimState } from './state.js';

/** One REST v4 call, already authenticated; `path` is below `/api/v4`. */
export interface RouteContext {
  state: GitLabSimState;
  user: SimUser;
  method: string;
  match: RegExpMatchArray;
  query: URLSearchParams;
  body: Record<string, unknown>;
  publicUrl: URL;
  baseUrl: string;
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Handler = (c: RouteContext) => RouteResult;

export const P = '/projects/([^/]+)';
export const terminal = new Set(['success', 'failed', 'canceled']);
export const bad = (error: string) => new SimError(400, { error });

/** `updated_after` must parse as a time (ISO 8601), or GitLab answers 400. */
export function timeParam(q: URLSearchParams, name: string): number | null {
  const v = q.get(name);
  if (v === null) return null;
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(t)) throw bad(`${name} is invalid`);
  return t;
}

export function sorted<T extends { id: number }>(
  items: T[],
  q: URLSearchParams,
  allowed: string[],
  key: (x: T, by: string) => number,
): T[] {
  const by = q.get('order_by') ?? 'created_at';
  const sort = q.get('sort') ?? 'desc';
  if (!allowed.includes(by)) throw bad('order_by does not have a valid value');
  if (sort !== 'asc' && sort !== 'desc') throw bad('sort does not have a valid value');
  const dir = sort === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => dir * (key(a, by) - key(b, by) || a.id - b.id));
}

export const str = (c: RouteContext, name: string): string | undefined => {
  const v = c.body[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
};

export function mrOf(c: RouteContext) {
  const p = c.state.project(decodeURIComponent(c.match[1]!));
  return c.state.mr(p.id, Number(c.match[2]));
}

export type Route = [method: string, path: RegExp, handler: Handler];
