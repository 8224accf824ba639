import type { Handler } from './route-kit.js';
import { mergeRequestRoutes } from './routes-merge-requests.js';
import { repositoryRoutes } from './routes-repository.js';
import { writeRoutes } from './routes-write.js';

export type { RouteContext, RouteResult } from './route-kit.js';

const routes = [...repositoryRoutes, ...mergeRequestRoutes, ...writeRoutes];

/** Finds the handler for a path below `/api/v4`; `'method'` when only the method is wrong (405). */
export function route(
  method: string,
  path: string,
): { handler: Handler; match: RegExpMatchArray } | 'method' | null {
  let pathMatched = false;
  for (const [m, re, handler] of routes) {
    const match = path.match(re);
    if (!match) continue;
    if (m === method) return { handler, match };
    pathMatched = true;
  }
  return pathMatched ? 'method' : null;
}
